"""Sound by example: an uploaded non-speech clip (a bell, a siren) finds the archive's
recordings with that sound.

The clip's YAMNet class profile (enrich/sound.py `query_profile`: each class's best patch
score, speech and silence zeroed, L2-normalised) is compared by cosine with the profiles
ingest stored for every "sound" segment (vector space "sound"). The model is the ingest's
YAMNet, built on the first audio query of an archive that has sound vectors and kept by
the search engine.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from pathlib import Path

import numpy as np

from assistant.config import ModelsSettings
from assistant.enrich.sound import query_profile
from assistant.errors import AssistantError
from assistant.models.sound_events import SoundTagger, YamnetOnnx, yamnet_available
from assistant.schemas import Hit
from assistant.similarity import calibration
from assistant.store.lookup import SegmentLookup
from assistant.store.vectors.base import VectorIndex

SIGNAL = "sound_example"
SPACE = "sound"
# Profiles of unrelated sounds still share broad classes ("Music", "Inside, small
# room"): cosine 0.5 is where sounds start to be alike, 0.95 the same sound.
SOUND_COSINE = (0.5, 0.95)


def query_tagger(vectors: VectorIndex, models: ModelsSettings) -> SoundTagger | None:
    """YAMNet for queries; None when the archive has no sound vectors or no weights."""
    if not yamnet_available() or vectors.count(SPACE) == 0:
        return None
    return YamnetOnnx(models.cache_dir, models.threads)


def sound_example_hits(
    lookup: SegmentLookup,
    vectors: VectorIndex,
    model: SoundTagger | None,
    clip: Path,
    k: int,
    allowed: AbstractSet[str] | None,
) -> list[Hit]:
    """Segments whose sounds are most like the clip's, best first ([] without a tagger
    (no sound vectors or no YAMNet, see query_tagger) or when the clip is silent)."""
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
    nearest = vectors.query(SPACE, profile, k, allowed)
    scored = [
        (segment_id, calibration.ramp(cosine, *SOUND_COSINE), f"sounds alike {cosine:.2f}")
        for segment_id, cosine in nearest
    ]
    return [hit for hit in lookup.hits(scored, SIGNAL) if hit.score > 0.0]
