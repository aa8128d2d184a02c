"""Full-text ranking whose cost does not grow with how many rows a word matches.

FTS5's bm25 scores every row that matches the query, and counts every row holding each
phrase (for its idf) before that: a query word found in most segments ("council" in 65 %
of them at 10^5 assets) made one keyword query cost seconds. So the query's words are
split by how many rows hold them, counted up to a budget (each count stops there):
- rare words, rarest first while their rows fit in `budget`, are ranked by bm25 as
  before (with every word rare, as in any small archive, the query is the one it was);
- common words (more rows than the budget left) rank nothing: bm25 gives a word held by
  that share of the archive almost no weight anyway. When the rare words found fewer
  than k rows, the common words fill up, newest rows first: rows holding all of them
  among the newest budget + 1 rows of the rarest (any row holding all of them holds it),
  then rows holding any of them among each word's newest budget + 1 rows. Those windows
  are rowid floors, read with the counts, so the fill streams (FTS5 walks its doclists
  newest first and stops at k) instead of intersecting whole doclists: four common words
  at 10^6 assets cost 40-140 ms that way, 1-15 ms this one.
The keyword signal still scores every matched word of a hit (keywords.py coverage).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Rows = Callable[[str, Sequence[Any]], list[Any]]


@dataclass(frozen=True)
class Split:
    rare: list[str]  # ranked by bm25
    common: list[str]  # fill only
    rows: int  # rows holding a rare word, at most (the sum of their counts)
    # Per common word: the oldest rowid among its newest budget + 1 rows (its window).
    floors: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Fill:
    expression: str  # an FTS5 MATCH expression
    floor: int  # only rows from this rowid up (the newest first)


def quoted(term: str) -> str:
    return f'"{term}"'


def split_terms(rows: Rows, fts: str, terms: list[str], budget: int) -> Split:
    """The query's words as rare (ranked) and common (fill), by their row counts."""
    counted = {term: term_rows(rows, fts, term, budget) for term in dict.fromkeys(terms)}
    counts = {term: count for term, (count, _) in counted.items()}
    rare: list[str] = []
    spent = 0
    for term in sorted(counts, key=lambda t: counts[t]):
        if spent + counts[term] > budget:
            break
        rare.append(term)
        spent += counts[term]
    kept = set(rare)
    return Split(
        rare=[t for t in counts if t in kept],
        common=[t for t in counts if t not in kept],
        rows=spent,
        floors={t: floor for t, (_, floor) in counted.items() if t not in kept},
    )


def term_rows(rows: Rows, fts: str, term: str, budget: int) -> tuple[int, int]:
    """Rows holding `term`, counted up to budget + 1 (a bounded walk of its doclist from
    the newest), and the oldest rowid among those counted (0 when none)."""
    found = rows(
        f"SELECT count(*), min(rowid) FROM (SELECT rowid FROM {fts} WHERE {fts} MATCH ? "
        "ORDER BY rowid DESC LIMIT ?)",
        [quoted(term), budget + 1],
    )
    return int(found[0][0]), int(found[0][1] or 0)


def fills(split: Split) -> list[Fill]:
    """The fill's queries, best first: all common words (within the rarest one's window),
    then any (within every one's window)."""
    common = split.common
    if not common:
        return []
    every = Fill(" AND ".join(quoted(t) for t in common), min(split.floors[t] for t in common))
    if len(common) == 1:
        return [every]
    some = Fill(" OR ".join(quoted(t) for t in common), max(split.floors[t] for t in common))
    return [every, some]
