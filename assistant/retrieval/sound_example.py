"""Sound by example: an uploaded non-speech clip (a bell, a siren) finds the archive's
recordings with that sound.

The clip's YAMNet class profile (enrich/sound.py `query_profile`: each class's best patch
score, speech and silence zeroed, L2-normalised) is compared by cosine with the profiles
ingest stored for every "sound" segment (vector space "sound"). The model is the ingest's
YAMNet, built on the first audio query of an archive that has sound vectors and kept in
`archive.extras` (closed with the archive).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from assistant.archive import Archive
from assistant.enrich.sound import query_profile
from assistant.errors import AssistantError
from assistant.models.sound_events import SoundTagger, YamnetOnnx, yamnet_available
from assistant.schemas import Hit
from assistant.similarity import calibration
from assistant.store.lookup import SegmentLookup

SIGNAL = "sound_example"
SPACE = "sound"
EXTRA = "sound-tagger"
# Profiles of unrelated sounds still share broad classes ("Music", "Inside, small
# room"): cosine 0.5 is where sounds start to be alike, 0.95 the same sound.
SOUND_COSINE = (0.5, 0.95)


class _Held:
    """A tagger kept in archive.extras (which closes what it holds)."""

    def __init__(self, tagger: SoundTagger) -> None:
        self.tagger = tagger

    def close(self) -> None:
        self.tagger = None  # type: ignore[assignment]


def archive_tagger(archive: Archive) -> SoundTagger | None:
    """The archive's YAMNet for queries; None when sound vectors or weights are absent."""
    held: Any = archive.extras.get(EXTRA)
    if held is not None:
        return held.tagger
    if not yamnet_available() or archive.vectors.count(SPACE) == 0:
        return None
    models = archive.settings.models
    tagger = YamnetOnnx(models.cache_dir, models.threads)
    archive.extras[EXTRA] = _Held(tagger)
    return tagger


def sound_example_hits(
    lookup: SegmentLookup,
    archive: Archive,
    clip: Path,
    k: int,
    allowed: set[str] | None,
    tagger: SoundTagger | None = None,
) -> list[Hit]:
    """Segments whose sounds are most like the clip's, best first ([] when the archive
    has no sound vectors, YAMNet is not installed, or the clip is silent)."""
    model = tagger if tagger is not None else archive_tagger(archive)
    if model is None or (allowed is not None and not allowed):
        return []
    from assistant.media.decode import MediaDecodeError, load_audio_16k

    try:
        samples = load_audio_16k(clip)
    except MediaDecodeError as exc:
        raise AssistantError(
            f"Cannot decode the query audio {clip.name}: {exc}",
            hint="Upload a WAV, MP3, M4A, OGG or a video file with a sound track.",
        ) from exc
    profile = query_profile(samples, model)
    if not np.any(profile):
        return []
    nearest = archive.vectors.query(SPACE, profile, k, allowed)
    scored = [
        (segment_id, calibration.ramp(cosine, *SOUND_COSINE), f"sounds alike {cosine:.2f}")
        for segment_id, cosine in nearest
    ]
    return [hit for hit in lookup.hits(scored, SIGNAL) if hit.score > 0.0]
