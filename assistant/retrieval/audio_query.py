"""The audio query modality: a recorded excerpt (or a video's sound track) -> where it was
said (transcribed, then `text_vector` + `keyword` + `speech_align` over speech, and the
text signals over written text and metadata) and what sounds like it (`sound_example`,
YAMNet profiles in the "sound" space)."""

from __future__ import annotations

from pathlib import Path

import filetype

from assistant.errors import AssistantError
from assistant.retrieval.query_media import transcribe_query_audio
from assistant.retrieval.query_run import QueryRun
from assistant.retrieval.sound_example import SIGNAL as SOUND_SIGNAL
from assistant.retrieval.sound_example import sound_example_hits
from assistant.retrieval.spoken import spoken_rankings
from assistant.schemas import Hit
from assistant.vocabulary.kinds import SPOKEN_MEDIA, WRITTEN_KINDS

AUDIO_EXTENSIONS = {".wav", ".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".webm"}


def is_audio(path: Path) -> bool:
    """A sound file, by content (by extension only for headerless formats)."""
    guess = filetype.guess(str(path))
    if guess is None:
        return path.suffix.lower() in AUDIO_EXTENSIONS
    if guess.mime.startswith("audio/") or (guess.extension == "webm" and path.suffix == ".webm"):
        return True
    return guess.extension in ("mp4", "m4a") and path.suffix.lower() in AUDIO_EXTENSIONS


def audio_rankings(run: QueryRun, path: Path) -> dict[str, list[Hit]]:
    archive = run.engine.archive
    sounds = sound_example_hits(run.lookup, archive, path, run.candidates, run.allowed)
    if not archive.models.available("asr"):
        return _sound_only(run, path, sounds)
    transcript = transcribe_query_audio(
        path, archive.models.asr(), archive.settings.asr.languages
    ).text
    run.outcome.transcript = transcript
    if not transcript.strip():
        if sounds:
            run.outcome.notices.append(
                f"No speech was heard in {path.name}; matched it by its sound."
            )
            return {SOUND_SIGNAL: sounds}
        if run.alone():
            raise AssistantError(
                f"No speech was heard in {path.name}.",
                hint="Upload a clip where someone speaks, or search with text instead.",
            )
        run.outcome.notices.append(f"No speech was heard in {path.name}; ignored it.")
        return {}
    # What was said may also be written down: the text part's signals over the
    # written text and metadata (speech is left to the spoken rankings below, so it
    # is not counted twice). CLIP text is left out: a transcript does not describe
    # what a picture looks like.
    rankings = {
        f"transcript:{signal}": hits
        for signal, hits in run.engine.text_rankings(
            run.lookup, transcript, run.allowed, run.outcome, set(WRITTEN_KINDS), visual=False
        ).items()
    }
    spoken = run.engine.restrict(run.query.filters, run.allowed, SPOKEN_MEDIA)
    if spoken is None or spoken:
        rankings.update(
            spoken_rankings(
                run.lookup,
                archive.models.text(),
                archive.vectors,
                transcript,
                run.candidates,
                spoken,
            )
        )
    if sounds:
        rankings[SOUND_SIGNAL] = sounds
    return rankings


def _sound_only(run: QueryRun, path: Path, sounds: list[Hit]) -> dict[str, list[Hit]]:
    """An audio query without a speech model: its sound alone, or a clear error."""
    name = path.name
    if sounds:
        run.outcome.notices.append(
            f"Matched {name} by its sound only: no speech model is installed."
        )
        return {SOUND_SIGNAL: sounds}
    if run.alone():
        raise AssistantError(
            f"Nothing in the archive sounds like {name}, and no speech model is "
            "installed to hear words in it.",
            hint="Install the speech model (scripts/setup.sh), or search with text.",
        )
    run.outcome.notices.append(f"Nothing sounds like {name}; ignored it.")
    return {}
