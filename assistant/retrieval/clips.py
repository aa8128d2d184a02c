"""Clip assembly: fused segment hits -> playable clips.

Hits on neighbouring moments of one asset (gap <= settings.search.merge_gap_s) merge into
one clip spanning them, padded to settings.search.min_clip_s and clamped to the asset's
duration. An image is one clip; document chunks merge when adjacent (index gap <= 1).
A neighbour joins only if it scores at least JOIN_RATIO of the clip's best, so weak
hits do not stretch a strong clip. A clip's score is its best segment's fused score (on
an exact tie, the clip more signals agree on comes first). Whole-asset evidence
(metadata, filters: whole_asset.py) joins the asset's best clip and combines with its
score as independent evidence, 1 - (1 - clip)(1 - asset); an asset found only that way
is one clip where it starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.config import SearchSettings
from assistant.retrieval.fusion import FusedSegment
from assistant.retrieval.translated import translated_snippet
from assistant.retrieval.whole_asset import anchor_segment, is_whole_asset
from assistant.schemas import Asset, Clip, Hit, Segment
from assistant.similarity.near_duplicates import resolve_thumbnail
from assistant.store.lookup import SegmentLookup
from assistant.vocabulary.kinds import OWN_WORDS_KINDS, TEXT_KINDS

SNIPPET_CHARS = 400
# A neighbouring hit joins a clip only if it scores at least this share of the clip's best.
JOIN_RATIO = 0.5
# Hits whose calibrated score is below this are left out of `why` (unless alone).
WHY_MIN_SCORE = 0.05


@dataclass
class _Group:
    asset: Asset
    members: list[FusedSegment] = field(default_factory=list)
    start_s: float | None = None
    end_s: float | None = None
    last_index: int = -10
    # Fused score of whole-asset evidence joined to this clip (0 when none).
    asset_score: float = 0.0

    @property
    def score(self) -> float:
        best = max(member.score for member in self.members)
        return 1.0 - (1.0 - best) * (1.0 - self.asset_score)

    @property
    def agreement(self) -> int:
        """How many signals found the clip's best-agreed segment with some evidence
        (score > 0; whole-asset evidence left out): breaks exact ties, which happen once
        scores saturate at 1. Zero-score hits are no evidence, so they never reorder."""
        return max(
            (
                sum(hit.score > 0.0 for hit in member.hits)
                for member in self.members
                if not is_whole_asset(member.segment_id)
            ),
            default=0,
        )


def span(entry: FusedSegment) -> tuple[float | None, float | None]:
    """The narrowest time span any hit gives the segment (alignment beats the segment)."""
    timed = [hit for hit in entry.hits if hit.start_s is not None]
    if not timed:
        return None, None
    narrowest = min(timed, key=lambda hit: (hit.end_s or hit.start_s or 0) - (hit.start_s or 0))
    start = float(narrowest.start_s or 0.0)
    return start, float(narrowest.end_s if narrowest.end_s is not None else start)


def assemble(
    fused: list[FusedSegment],
    lookup: SegmentLookup,
    settings: SearchSettings,
    thumbnail_root: Path,
    k: int,
) -> list[Clip]:
    groups = _group(fused, lookup, settings.merge_gap_s)
    # Equal scores: more agreeing signals first (a verbatim excerpt found in speech, with
    # its alignment, before a document saying the same words).
    groups.sort(key=lambda group: (-group.score, -group.agreement))
    return [_clip(group, lookup, settings, thumbnail_root) for group in groups[:k]]


def _group(fused: list[FusedSegment], lookup: SegmentLookup, gap_s: float) -> list[_Group]:
    by_asset: dict[str, list[FusedSegment]] = {}
    for entry in fused:
        by_asset.setdefault(entry.asset_id, []).append(entry)
    groups: list[_Group] = []
    for asset_id, entries in by_asset.items():
        asset = lookup.asset(asset_id)
        if asset is None:
            continue
        whole = [entry for entry in entries if is_whole_asset(entry.segment_id)]
        parts = [entry for entry in entries if not is_whole_asset(entry.segment_id)]
        found = _group_asset(asset, parts, lookup, gap_s) if parts else []
        for entry in whole:
            if not found:  # nothing finer: the whole asset is the clip
                start, end = span(entry)
                found.append(_Group(asset, [entry], start, end))
                continue
            best = max(found, key=lambda group: group.score)
            best.members.append(entry)
            best.asset_score = entry.score
        groups.extend(found)
    return groups


def _group_asset(
    asset: Asset, entries: list[FusedSegment], lookup: SegmentLookup, gap_s: float
) -> list[_Group]:
    if asset.kind == "image":
        return [_Group(asset, entries)]
    if asset.kind == "document":
        return _group_document(asset, entries, lookup)
    # Best segments first: each seeds a clip, and a neighbour joins it only when it is
    # close in time and nearly as good, so weak hits do not stretch a strong clip.
    groups: list[_Group] = []
    for entry in sorted(entries, key=lambda e: -e.score):
        start, end = span(entry)
        joined = next((g for g in groups if _joins(g, entry, start, end, gap_s)), None)
        if joined is None:
            groups.append(_Group(asset, [entry], start, end))
            continue
        joined.members.append(entry)
        if start is not None and joined.start_s is not None:
            joined.start_s = min(joined.start_s, start)
            joined.end_s = max(joined.end_s or start, end if end is not None else start)
    return groups


def _joins(
    group: _Group, entry: FusedSegment, start: float | None, end: float | None, gap_s: float
) -> bool:
    if start is None or group.start_s is None or entry.score < JOIN_RATIO * group.score:
        return False
    group_end = group.end_s if group.end_s is not None else group.start_s
    entry_end = end if end is not None else start
    return start - group_end <= gap_s and group.start_s - entry_end <= gap_s


def _group_document(
    asset: Asset, entries: list[FusedSegment], lookup: SegmentLookup
) -> list[_Group]:
    segments = lookup.segments(entry.segment_id for entry in entries)
    ordered = sorted(
        entries, key=lambda e: segments[e.segment_id].index if e.segment_id in segments else 0
    )
    groups: list[_Group] = []
    for entry in ordered:
        index = segments[entry.segment_id].index if entry.segment_id in segments else -10
        if groups and index - groups[-1].last_index <= 1:
            groups[-1].members.append(entry)
        else:
            groups.append(_Group(asset, [entry]))
        groups[-1].last_index = index
    return groups


def pad(start: float, end: float, min_s: float, duration: float | None) -> tuple[float, float]:
    """Widen [start, end] around its centre to at least `min_s`, within [0, duration]."""
    if end - start < min_s:
        centre = (start + end) / 2
        start, end = centre - min_s / 2, centre + min_s / 2
        if start < 0:
            start, end = 0.0, end - start
        if duration is not None and end > duration:
            start, end = max(0.0, start - (end - duration)), duration
    if duration is not None:
        end = min(end, duration)
    return max(0.0, start), max(0.0, end)


def _clip(group: _Group, lookup: SegmentLookup, settings: SearchSettings, root: Path) -> Clip:
    asset = group.asset
    hits = [hit for member in group.members for hit in member.hits]
    start, end = group.start_s, group.end_s
    if asset.kind in ("video", "audio") and start is not None:
        start, end = pad(
            start, end if end is not None else start, settings.min_clip_s, asset.duration_s
        )
        start, end = round(start, 2), round(end, 2)
    else:
        start = end = None
    segments = lookup.segments(member.segment_id for member in group.members)
    segment_ids = [m.segment_id for m in group.members if m.segment_id in segments]
    if not segment_ids:  # found as a whole: it starts at its first segment, if any
        anchor = anchor_segment(lookup, asset)
        segments = {anchor.segment_id: anchor} if anchor is not None else {}
        segment_ids = list(segments)
    best_id = max(
        segment_ids,
        key=lambda i: next((m.score for m in group.members if m.segment_id == i), 0.0),
        default=None,
    )
    metadata = lookup.metadata(asset.asset_id)
    snippet = _snippet(hits, metadata)
    language = _own_language(segments, [best_id, *(m.segment_id for m in group.members)])
    best_text = _best_textual(hits)
    if best_text is not None and best_text.segment_kind == "translation":
        snippet, original = translated_snippet(best_text, lookup, SNIPPET_CHARS)
        # The original's language when the overlapping speech says it; else what the
        # clip's own segments or the asset's record say (a translated line whose times
        # overlap no stored speech segment must not lose the language it was heard in).
        language = original or language or _record_language(metadata)
    return Clip.of(
        asset,
        start,
        end,
        score=round(min(1.0, max(0.0, group.score)), 4),
        snippet=snippet,
        preview=_preview(group, lookup, start, root),
        why=_why(hits),
        segment_ids=segment_ids,
        page=segments[best_id].page if best_id is not None else None,
        metadata=metadata,
        language=language,
    )


def _record_language(metadata: dict[str, object]) -> str | None:
    """The asset's one recorded language, if it has exactly one."""
    found = metadata.get("language")
    if isinstance(found, list) and len(found) == 1:
        return str(found[0])
    return found if isinstance(found, str) else None


def _own_language(segments: dict[str, Segment], ranked_ids: list[str | None]) -> str | None:
    """The clip's language: that of its best-ranked segment in the asset's own words."""
    for segment_id in ranked_ids:
        segment = segments.get(segment_id) if segment_id else None
        if segment is not None and segment.kind in OWN_WORDS_KINDS and segment.language:
            return segment.language
    return None


def _best_textual(hits: list[Hit]) -> Hit | None:
    textual = [hit for hit in hits if hit.segment_kind in TEXT_KINDS and hit.text.strip()]
    return max(textual, key=_textual_rank, default=None)


def _snippet(hits: list[Hit], metadata: dict[str, object]) -> str:
    best = _best_textual(hits)
    if best is not None:
        lines = _clip_lines(hits) if best.segment_kind in OWN_WORDS_KINDS else []
        if len(lines) > 1 and len(joined := " ".join(lines)) <= SNIPPET_CHARS:
            return joined
        text = " ".join(best.text.split())
        return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"
    for name in ("description", "title"):
        if metadata.get(name):
            return str(metadata[name])
    return ""


def _clip_lines(hits: list[Hit]) -> list[str]:
    """The words of each line the clip spans, in time order. A clip that joined a
    programme's opening ("This is The Regional Hour.", lifted by the title the question
    names) to the line after it ("... the bike lanes will be finished by October") must
    show both: its best-scoring line alone hid the one that answers."""
    by_segment: dict[str, Hit] = {}
    for hit in hits:
        if hit.segment_kind not in OWN_WORDS_KINDS or not hit.text.strip():
            continue
        kept = by_segment.get(hit.segment_id)
        if kept is None or _textual_rank(hit) > _textual_rank(kept):
            by_segment[hit.segment_id] = hit
    ordered = sorted(by_segment.values(), key=lambda hit: (hit.start_s is None, hit.start_s or 0.0))
    return list(dict.fromkeys(" ".join(hit.text.split()) for hit in ordered))


def _textual_rank(hit: Hit) -> tuple[bool, float]:
    return (hit.signal == "speech_align", hit.score)


def _why(hits: list[Hit]) -> list[str]:
    """The evidence, strongest first; near-zero votes are noise, shown only if alone."""
    ordered = sorted(hits, key=lambda hit: -hit.score)
    telling = [hit for hit in ordered if hit.score >= WHY_MIN_SCORE] or ordered[:1]
    return list(dict.fromkeys(hit.detail or hit.signal for hit in telling))


def _preview(group: _Group, lookup: SegmentLookup, start: float | None, root: Path) -> str | None:
    segments = lookup.segments(member.segment_id for member in group.members)
    visual = [
        segments[m.segment_id]
        for m in sorted(group.members, key=lambda m: -m.score)
        if m.segment_id in segments and segments[m.segment_id].kind == "visual"
    ]
    if not visual and group.asset.kind in ("video", "image"):
        keyframes = [
            s for s in lookup.asset_segments(group.asset.asset_id, "visual") if s.thumbnail
        ]
        if start is not None:
            keyframes.sort(key=lambda s: abs((s.start_s or 0.0) - start))
        visual = keyframes[:1]
    for segment in visual:
        if segment.thumbnail:
            return str(resolve_thumbnail(segment.thumbnail, root))
    return None
