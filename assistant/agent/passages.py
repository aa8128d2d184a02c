"""Clips read straight from one asset's timed text: what follows or precedes a moment
("what did she say after that?"), or the start of a transcript or document."""

from __future__ import annotations

from typing import Any

from assistant.archive import Archive
from assistant.retrieval.clips import pad
from assistant.schemas import Asset, Clip, Segment
from assistant.store.catalog import Catalog
from assistant.vocabulary.kinds import OWN_WORDS_KINDS
from assistant.vocabulary.timefmt import clock

# A follow-up reads about this much of the transcript: a few sentences, a playable clip.
FOLLOW_SPAN_S = 30.0
FOLLOW_SEGMENTS = 3
# Fewer words than this right before a moment ("Yes.", "Thank you.") is not yet what was
# said before it: the sentence before that is read too.
MIN_STATEMENT_WORDS = 6


def asset_text_segments(catalog: Catalog, asset_id: str) -> list[Segment]:
    segments = [s for s in catalog.segments(asset_id) if s.kind in OWN_WORDS_KINDS and s.text]
    return sorted(segments, key=lambda s: (s.start_s or 0.0, s.index))


def passage_clip(
    archive: Archive,
    asset_id: str,
    *,
    after_s: float | None = None,
    before_s: float | None = None,
    skip: list[str] | None = None,
) -> Clip | None:
    """The text right after `after_s` (or right before `before_s`, or from the start),
    leaving out the `skip` segments (the clip being followed up)."""
    asset = archive.catalog.get_asset(asset_id)
    if asset is None or asset.status != "indexed":
        return None
    skipped = set(skip or [])
    segments = [
        s for s in asset_text_segments(archive.catalog, asset_id) if s.segment_id not in skipped
    ]
    if after_s is not None:
        chosen = [s for s in segments if (s.start_s or 0.0) >= after_s - 0.5][:FOLLOW_SEGMENTS]
    elif before_s is not None:
        chosen = _just_before([s for s in segments if (s.end_s or 0.0) <= before_s + 0.5])
    else:
        chosen = segments[:FOLLOW_SEGMENTS]
    chosen = _within_span(chosen, before=before_s is not None)
    if not chosen:
        return None
    why = (
        f"follows {clock(after_s)}"
        if after_s is not None
        else f"precedes {clock(before_s)}"
        if before_s is not None
        else "start of the text"
    )
    return segments_clip(archive, asset, chosen, why)


def _just_before(earlier: list[Segment]) -> list[Segment]:
    """What was said right before: the last sentence, with the ones before it only while
    what is kept is too short to be a statement. Three sentences read in order put the
    farthest first, and a small model quoted it ("thank you for joining us") instead of
    the line that came just before the one followed up."""
    chosen: list[Segment] = []
    for segment in reversed(earlier[-FOLLOW_SEGMENTS:]):
        chosen.insert(0, segment)
        if sum(len(s.text.split()) for s in chosen) >= MIN_STATEMENT_WORDS:
            break
    return chosen


def _within_span(segments: list[Segment], before: bool) -> list[Segment]:
    """Keep a playable length: drop segments beyond FOLLOW_SPAN_S from the anchor side."""
    if not segments or segments[0].start_s is None:
        return segments
    ordered = list(reversed(segments)) if before else segments
    anchor = ordered[0]
    kept = [
        s for s in ordered if abs((s.start_s or 0.0) - (anchor.start_s or 0.0)) <= FOLLOW_SPAN_S
    ]
    return sorted(kept, key=lambda s: s.start_s or 0.0)


def segments_clip(archive: Archive, asset: Asset, segments: list[Segment], why: str) -> Clip:
    start = segments[0].start_s
    end = segments[-1].end_s
    if asset.kind in ("video", "audio") and start is not None:
        start, end = pad(
            start,
            end if end is not None else start,
            archive.settings.search.min_clip_s,
            asset.duration_s,
        )
    else:
        start = end = None
    return _cited(
        archive.catalog,
        asset,
        start,
        end,
        snippet=" ".join(s.text.strip() for s in segments),
        why=[why],
        segment_ids=[s.segment_id for s in segments],
        page=segments[0].page,
    )


def _cited(
    catalog: Catalog, asset: Asset, start: float | None, end: float | None, **fields: Any
) -> Clip:
    """A clip the agent cites from the catalogue itself (not a search hit): score 1."""
    metadata = {name: mv.value for name, mv in catalog.effective_metadata(asset.asset_id).items()}
    return Clip.of(asset, start, end, score=1.0, metadata=metadata, **fields)


def asset_clip(archive: Archive, asset_id: str, at_s: float | None = None) -> Clip | None:
    """The whole asset (or a 1-second moment of it) as a citable clip."""
    asset = archive.catalog.get_asset(asset_id)
    if asset is None:
        return None
    start = end = None
    if at_s is not None and asset.kind in ("video", "audio"):
        start, end = pad(at_s, at_s, archive.settings.search.min_clip_s, asset.duration_s)
    return _cited(archive.catalog, asset, start, end)
