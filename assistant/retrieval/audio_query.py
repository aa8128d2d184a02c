"""The audio query modality: a recorded excerpt (or a video's sound track) -> where it was
said (transcribed, then `text_vector` + `keyword` + `speech_align` over speech, and the
text signals over written text and metadata) and what sounds like it (`sound_example`,
YAMNet profiles in the "sound" space), and who says it (`voice_example`: speech by the
clip's main voice, voice_example.py)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from pathlib import Path

import filetype

from assistant.errors import AssistantError
from assistant.retrieval.query_media import transcribe_query_audio
from assistant.retrieval.query_modality import QueryModality
from assistant.retrieval.query_run import QueryRun
from assistant.retrieval.sound_example import SIGNAL as SOUND_SIGNAL
from assistant.retrieval.sound_example import sound_example_hits
from assistant.retrieval.spoken import spoken_rankings
from assistant.retrieval.voice_example import SIGNAL as VOICE_SIGNAL
from assistant.retrieval.voice_example import voice_example_hits
from assistant.schemas import Hit
from assistant.store.voices import VoiceStore
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
    engine = run.engine
    sounds = sound_example_hits(
        run.lookup, engine.vectors, engine.sound_tagger(), path, run.candidates, run.allowed
    )
    if not engine.models.available("asr"):
        return _by_sound(
            run,
            sounds,
            f"Matched {path.name} by its sound only: no speech model is installed.",
            AssistantError(
                f"Nothing in the archive sounds like {path.name}, and no speech model is "
                "installed to hear words in it.",
                hint="Install the speech model (scripts/setup.sh), or search with text.",
            ),
            f"Nothing sounds like {path.name}; ignored it.",
        )
    transcript = transcribe_query_audio(path, engine.models.asr(), engine.config.asr.languages).text
    run.outcome.transcript = transcript
    if not transcript.strip():
        return _by_sound(
            run,
            sounds,
            f"No speech was heard in {path.name}; matched it by its sound.",
            AssistantError(
                f"No speech was heard in {path.name}.",
                hint="Upload a clip where someone speaks, or search with text instead.",
            ),
            f"No speech was heard in {path.name}; ignored it.",
        )
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
                engine.models.text(),
                engine.vectors,
                transcript,
                run.candidates,
                spoken,
                run.engine.query_vector(transcript),
            )
        )
    if sounds:
        rankings[SOUND_SIGNAL] = sounds
    voices = _voice_hits(run, path, spoken)
    if voices:
        rankings[VOICE_SIGNAL] = voices
    return rankings


def _voice_hits(run: QueryRun, path: Path, spoken: AbstractSet[str] | None) -> list[Hit]:
    """The upload's voice as a signal over speech (voice_example.py); [] where the
    archive has no speaker model or the filters leave no spoken media."""
    models = run.engine.models
    if spoken is not None and not spoken:
        return []
    # One indexed row lookup (not a count of the "speaker" space) per audio query.
    if not models.available("speaker") or not VoiceStore(run.engine.catalog).has_speakers():
        return []  # no voices were stored: the encoder is not even loaded
    from assistant.media.decode import MediaDecodeError, load_audio_16k

    try:
        samples = load_audio_16k(path)
    except MediaDecodeError:
        return []  # the transcript was read from it: the sound signal says what failed
    return voice_example_hits(
        run.lookup, run.engine.vectors, models.speaker(), samples, run.candidates, spoken
    )


def _by_sound(
    run: QueryRun, sounds: list[Hit], matched: str, nothing: AssistantError, ignored: str
) -> dict[str, list[Hit]]:
    """A clip whose words cannot be used: its sound alone (saying `matched`); without
    sound matches, `nothing` when the clip is the whole query, else the `ignored` notice."""
    if sounds:
        run.outcome.notices.append(matched)
        return {SOUND_SIGNAL: sounds}
    if run.alone():
        raise nothing
    run.outcome.notices.append(ignored)
    return {}


AUDIO = QueryModality(
    name="audio",
    noun="audio clip",
    spaces=("text", "sound"),
    rank=audio_rankings,
    recognise=is_audio,
    option_help="Find where this was said.",
    tool_help="Find where the audio clip the user uploaded this turn occurs in the "
    "archive's recordings and videos (the same speech or sound). Use it whenever an audio "
    "clip was uploaded. Takes no file argument: it uses the upload.",
    mcp_help="Find where a recorded excerpt (full path of an audio file on this machine) "
    "was said in the archive; `heard` is what the excerpt was transcribed as.",
    first_question="Where in the archive was this audio clip said or played? Name the "
    "file and time and cite it.",
    formats="WAV, MP3, FLAC, OGG, M4A",
    widget="audio",
    app_label="Audio: find where this was said",
    accepts=("audio",),
)
