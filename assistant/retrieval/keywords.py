"""Keyword signal: FTS5 bm25 ranking, scored by how many of the query's words matched.

bm25 values depend on the size of the archive, so they are not used as scores; bm25 only
orders the hits. The calibrated score is the share of the query's content words found in
the segment (stop words ignored, light suffix folding to follow FTS5's porter stemmer),
which is what makes an exact name or number (one word, fully covered) score high.
"""

from __future__ import annotations

import re

from assistant.retrieval.lookup import SegmentLookup
from assistant.schemas import Hit

SIGNAL = "keyword"

# Words that say nothing about content; matching only these is not evidence.
_STOP_WORDS_TEXT = """
a an and are as at be been but by can could did do does for from had has have he her his
how i if in into is it its me my no not of on or our she so that the their them then there
these they this to was we were what when where which who whom why will with would you your
about after all also any before said say says show find us just than more most some such
only own same very near over under between through during against around up down out
off again each other both here because while until without within across along towards
toward upon onto via per like
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SUFFIXES = ("ing", "ed", "es", "s", "ly")


def fold(word: str) -> str:
    """Lower-case and strip a common English suffix, so 'prices' matches 'price'."""
    word = word.lower()
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    # 'price' and 'prices' (or 'priced') meet at 'pric'.
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def content_terms(text: str) -> list[str]:
    """The query's words worth matching, in order, without duplicates."""
    words = [w for w in _WORD.findall(text) if w.lower() not in STOP_WORDS]
    return list(dict.fromkeys(words))


def matched_terms(terms: list[str], text: str) -> list[str]:
    present = {fold(word) for word in _WORD.findall(text)}
    return [term for term in terms if fold(term) in present]


def keyword_hits(
    lookup: SegmentLookup,
    text: str,
    k: int,
    asset_ids: set[str] | None,
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
