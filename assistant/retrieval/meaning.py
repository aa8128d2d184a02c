"""Vector signals: sentence meaning in the `text` space, CLIP in the `visual` space.

Filters are applied inside the index (`asset_ids=`), never after the top-k cut.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

import numpy as np

from assistant.schemas import Hit
from assistant.similarity import calibration
from assistant.store.lookup import SegmentLookup
from assistant.store.vectors.base import VectorIndex

TEXT_SIGNAL = "text_vector"
CLIP_TEXT_SIGNAL = "clip_text"
CLIP_IMAGE_SIGNAL = "clip_image"


def vector_hits(
    lookup: SegmentLookup,
    vectors: VectorIndex,
    space: str,
    query: np.ndarray,
    k: int,
    asset_ids: AbstractSet[str] | None,
    signal: str,
    segment_kinds: set[str] | None = None,
    *,
    text_scale: tuple[float, float] = calibration.TEXT_COSINE,
) -> list[Hit]:
    """Nearest segments in `space`, calibrated per signal, best first."""
    if asset_ids is not None and not asset_ids:
        return []
    nearest = lookup.nearest(vectors, space, np.asarray(query, dtype=np.float32), k, asset_ids)
    scored = [
        (segment_id, _calibrate(signal, cosine, text_scale), _detail(signal, cosine))
        for segment_id, cosine in nearest
    ]
    hits = lookup.hits(scored, signal)
    if segment_kinds:
        hits = [hit for hit in hits if hit.segment_kind in segment_kinds]
    return hits


def _calibrate(signal: str, cosine: float, text_scale: tuple[float, float]) -> float:
    if signal == CLIP_TEXT_SIGNAL:
        return calibration.clip_text_similarity(cosine)
    if signal == CLIP_IMAGE_SIGNAL:
        return calibration.clip_image_similarity(cosine)
    return calibration.text_similarity(cosine, text_scale)


def _detail(signal: str, cosine: float) -> str:
    label = {
        CLIP_TEXT_SIGNAL: "looks like the description",
        CLIP_IMAGE_SIGNAL: "looks similar",
    }.get(signal, "meaning")
    return f"{label} {cosine:.2f}"
