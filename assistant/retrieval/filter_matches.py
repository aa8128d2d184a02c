"""Assets that pass the filters but that no signal found ("matches the filters").

With filters, the filters are part of what the user asked: an asset that passes them is
a candidate even when the words found nothing in it (a music track has no transcript; a
photo without CLIP weights has no text). Such assets follow the real matches as
whole-asset clips, scored calibration.FILTER_ONLY (never above a clip with evidence).
Filters with no query text browse this way.
"""

from __future__ import annotations

from pathlib import Path

from assistant.config import SearchSettings
from assistant.retrieval.clips import assemble
from assistant.retrieval.fusion import FusedSegment
from assistant.retrieval.whole_asset import whole_asset_hit
from assistant.schemas import Clip, Filters
from assistant.similarity.calibration import FILTER_ONLY
from assistant.store.lookup import SegmentLookup

SIGNAL = "filters"
WHY = "matches the filters"


def with_filter_matches(
    clips: list[Clip],
    fused: list[FusedSegment],
    filters: Filters,
    lookup: SegmentLookup,
    settings: SearchSettings,
    thumbnail_root: Path,
    k: int,
) -> list[Clip]:
    """Clips with evidence first; then allowed assets nothing matched, up to k."""
    evidence = [clip for clip in clips if clip.score > 0.0]
    if len(evidence) >= k:
        return evidence[:k]
    matched = {entry.asset_id for entry in fused if entry.score > 0.0}
    score = min([FILTER_ONLY, *(clip.score for clip in evidence)])
    extra: list[FusedSegment] = []
    # Catalog order (by path) keeps browsing stable from one query to the next; the
    # catalog reads only the rows it returns (SQL, store/filter_sql.py).
    for asset in lookup.catalog.filtered_assets(filters, k - len(evidence), matched):
        hit = whole_asset_hit(lookup, asset, SIGNAL, score, WHY)
        extra.append(FusedSegment(hit.segment_id, asset.asset_id, score, [hit], [score]))
    return evidence + assemble(extra, lookup, settings, thumbnail_root, len(extra))
