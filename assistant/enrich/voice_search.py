"""Voice by example: an uploaded clip finds the recordings where the same voice speaks.

The clip's main speaker (its turns' longest speaker, diarization/speakers.py) is embedded like
any ingested speaker and looked up in the "speaker" vector space; each hit is an asset
speaker, shown with its voice and where it first speaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.archive import Archive
from assistant.diarization.speakers import main_voice
from assistant.errors import AssistantError
from assistant.models.speaker import SpeakerEncoder
from assistant.store.voices import SPEAKER_SPACE, VoiceStore, speaker_key, voice_label


@dataclass(frozen=True)
class VoiceMatch:
    asset_id: str
    file: str
    speaker: str
    voice: str  # "Voice 2 (Name)"
    similarity: float
    start_s: float | None  # where that speaker first speaks


def find_by_example(
    archive: Archive, clip: Path, encoder: SpeakerEncoder, k: int = 5
) -> list[VoiceMatch]:
    from assistant.media.decode import MediaDecodeError, decode_media

    try:
        audio = decode_media(clip, None).audio_16k
    except MediaDecodeError as exc:
        raise AssistantError(
            f"Cannot read {clip.name}: {exc}", hint="Give an audio or video file with speech."
        ) from exc
    voice = main_voice(audio, encoder) if audio is not None else None
    if voice is None:
        raise AssistantError(
            f"No voice was heard in {clip.name}.",
            hint="Give a clip where someone speaks for a few seconds.",
        )
    hits = archive.vectors.query(SPEAKER_SPACE, voice, k)
    store = VoiceStore(archive.catalog)
    rows = store.speakers_by_key([speaker_key(i) for i, _ in hits])
    names = {v.voice_id: v.name for v in store.voices()}
    out = []
    for hit_id, similarity in hits:
        row = rows.get(speaker_key(hit_id))
        asset = archive.catalog.get_asset(row.asset_id) if row else None
        if row is None or asset is None or asset.status != "indexed":
            continue
        first = next(
            (t.start_s for t in store.turns(row.asset_id) if t.speaker == row.speaker), None
        )
        out.append(
            VoiceMatch(
                row.asset_id,
                asset.rel_path,
                row.speaker,
                voice_label(row.voice_id, names.get(row.voice_id)),
                round(similarity, 3),
                first,
            )
        )
    return out
