"""Hits about a whole asset (its metadata matched, or it passes the filters).

They carry a stand-in segment id, `{asset_id}:asset:0`, so asset-level evidence fuses
with other asset-level evidence but never inflates one particular segment. In clip
assembly (clips.py) such an entry joins the asset's best clip as extra evidence; alone, it
becomes a clip where the asset starts: the picture, the first document chunk, the
earliest moment of a video or audio file (0 s when it has no segments, as music).
"""

from __future__ import annotations

from typing import Final, Literal

from assistant.schemas import Asset, Hit, Segment
from assistant.store.lookup import SegmentLookup

ASSET_SEGMENT_KIND: Final[Literal["asset"]] = "asset"
# Media kinds whose whole-asset hit starts at a moment (their first segment's time).
TIMED_KINDS = ("audio", "video")
# The segment kind that stands for "the start" of each media kind.
_ANCHOR_KINDS = {"image": ("visual",), "document": ("text", "ocr")}


def whole_asset_id(asset_id: str) -> str:
    return f"{asset_id}:{ASSET_SEGMENT_KIND}:0"


def is_whole_asset(segment_id: str) -> bool:
    return segment_id.endswith(f":{ASSET_SEGMENT_KIND}:0")


def anchor_segment(lookup: SegmentLookup, asset: Asset) -> Segment | None:
    """The segment where the asset starts, or None when it has none."""
    segments = lookup.asset_segments(asset.asset_id, None)
    wanted = _ANCHOR_KINDS.get(asset.kind)
    if wanted:
        segments = [s for s in segments if s.kind in wanted] or segments
    if not segments:
        return None
    return min(segments, key=lambda s: (s.start_s or 0.0, s.index, s.kind))


def whole_asset_hit(
    lookup: SegmentLookup, asset: Asset, signal: str, score: float, detail: str
) -> Hit:
    start: float | None = None
    end: float | None = None
    if asset.kind in TIMED_KINDS:
        anchor = anchor_segment(lookup, asset)
        start = anchor.start_s if anchor is not None and anchor.start_s is not None else 0.0
        end = anchor.end_s if anchor is not None and anchor.end_s is not None else start
    # No text: the asset matched, not some segment's words, so the snippet comes from real
    # text hits or the asset's description/title (clips.py).
    return Hit(
        segment_id=whole_asset_id(asset.asset_id),
        asset_id=asset.asset_id,
        segment_kind=ASSET_SEGMENT_KIND,
        signal=signal,
        score=min(1.0, max(0.0, score)),
        detail=detail,
        start_s=start,
        end_s=end,
    )
