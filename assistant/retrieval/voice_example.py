"""Voice as a query signal: an uploaded audio clip's main voice counts inside audio
ranking, beside what was said. The speech segments spoken by the same voice (its asset
speakers nearest in the "speaker" space, enrich/voices.py) get a `voice_example` hit, so
the same words said by the same voice rank above the same words said by someone else.

A voice alone is weaker evidence than the words: its hits score at most VOICE_WEIGHT, so
fusion's noisy-OR lifts a words match said by that voice without letting every sentence
the voice ever said outrank the words that were asked for.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

import numpy as np

from assistant.diarization.speakers import main_voice
from assistant.models.speaker import SpeakerEncoder
from assistant.schemas import Hit
from assistant.similarity import calibration
from assistant.store.lookup import SegmentLookup
from assistant.store.vectors.base import VectorIndex
from assistant.store.voices import SPEAKER_SPACE, speaker_key

SIGNAL = "voice_example"
# Resemblyzer mean-embedding cosine: different espeak voices score 0.5-0.75, the same
# voice across files 0.9+ (enrich/voices.py VOICE_MATCH 0.8 merges at 0.8).
VOICE_COSINE = (0.75, 0.9)
VOICE_WEIGHT = 0.4
# Asset speakers looked at, nearest first, before the hits are cut to k.
NEIGHBOURS = 10


def voice_example_hits(
    lookup: SegmentLookup,
    vectors: VectorIndex,
    encoder: SpeakerEncoder | None,
    samples: np.ndarray,
    k: int,
    allowed: AbstractSet[str] | None,
) -> list[Hit]:
    """Speech segments by the clip's main voice, closest voices first ([] without an
    encoder, without speaker vectors, or when no voice is heard in the clip). The caller
    asks first whether the archive has any speakers (audio_query.py), so the encoder is
    not loaded for an archive without them."""
    if encoder is None or (allowed is not None and not allowed):
        return []
    voice = main_voice(samples, encoder)
    if voice is None:
        return []
    scored: list[tuple[str, float, str]] = []
    for vector_id, cosine in vectors.query(SPEAKER_SPACE, voice, NEIGHBOURS, allowed):
        score = VOICE_WEIGHT * calibration.ramp(cosine, *VOICE_COSINE)
        if score <= 0.0:
            continue
        asset_id, speaker = speaker_key(vector_id)
        said = [s for s in lookup.asset_segments(asset_id, "speech") if s.speaker == speaker]
        scored += [(s.segment_id, score, f"same voice {cosine:.2f}") for s in said]
        if len(scored) >= k:
            break
    return lookup.hits(scored[:k], SIGNAL)
