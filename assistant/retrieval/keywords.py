"""Keyword signal: FTS5 bm25 ranking, scored by how many of the query's words matched.

bm25 values depend on the size of the archive, so they are not used as scores; bm25 only
orders the hits. The calibrated score is the share of the query's content words found in
the segment (stop words ignored, light suffix folding to follow FTS5's porter stemmer),
which is what makes an exact name or number (one word, fully covered) score high.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from assistant.schemas import Hit
from assistant.store.lookup import SegmentLookup
from assistant.vocabulary.words import content_terms, matched_terms

SIGNAL = "keyword"


def keyword_hits(
    lookup: SegmentLookup,
    text: str,
    k: int,
    asset_ids: AbstractSet[str] | None,
    segment_kinds: set[str] | None = None,
) -> list[Hit]:
    """Segments containing the query's words, best bm25 first, scored by coverage."""
    terms = content_terms(text)
    if not terms:
        return []
    ranked = lookup.catalog.keyword_search(" ".join(terms), k, asset_ids, segment_kinds)
    segments = lookup.segments(segment_id for segment_id, _ in ranked)
    scored: list[tuple[str, float, str]] = []
    for segment_id, _ in ranked:
        segment = segments.get(segment_id)
        if segment is None or (segment_kinds and segment.kind not in segment_kinds):
            continue
        found = matched_terms(terms, segment.text)
        # FTS5's porter stemmer may match a form our folding misses: one word's worth.
        coverage = max(len(found), 1) / len(terms)
        shown = ", ".join(f"'{term}'" for term in found[:4]) or "a word form"
        scored.append((segment_id, coverage, f"keyword: {shown}"))
    return lookup.hits(scored, SIGNAL)
