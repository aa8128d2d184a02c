"""Full-text ranking whose cost does not grow with how many rows a word matches.

FTS5's bm25 scores every row that matches the query, and counts every row holding each
phrase (for its idf) before that: a query word found in most segments ("council" in 65 %
of them at 10^5 assets) made one keyword query cost seconds. So the query's words are
split by how many rows hold them, counted up to a budget (each count stops there):
- rare words, rarest first while their rows fit in `budget`, are ranked by bm25 as
  before (with every word rare, as in any small archive, the query is the one it was);
- common words (more rows than the budget left) rank nothing: bm25 gives a word held by
  that share of the archive almost no weight anyway. When the rare words found fewer
  than k rows, the common words fill up, newest rows first: rows holding all of them,
  then any of them, from at most `budget` rows each.
The keyword signal still scores every matched word of a hit (keywords.py coverage).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Rows = Callable[[str, Sequence[Any]], list[Any]]


@dataclass(frozen=True)
class Split:
    rare: list[str]  # ranked by bm25
    common: list[str]  # fill only
    rows: int  # rows holding a rare word, at most (the sum of their counts)


def quoted(term: str) -> str:
    return f'"{term}"'


def split_terms(rows: Rows, fts: str, terms: list[str], budget: int) -> Split:
    """The query's words as rare (ranked) and common (fill), by their row counts."""
    counts = {term: row_count(rows, fts, term, budget) for term in dict.fromkeys(terms)}
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
    )


def row_count(rows: Rows, fts: str, term: str, budget: int) -> int:
    """Rows holding `term`, counted up to budget + 1 (a bounded walk of its doclist)."""
    found = rows(
        f"SELECT count(*) FROM (SELECT 1 FROM {fts} WHERE {fts} MATCH ? LIMIT ?)",
        [quoted(term), budget + 1],
    )
    return int(found[0][0])


def fill_expressions(common: list[str]) -> list[str]:
    """MATCH expressions for the fill, best first: all common words, then any."""
    if not common:
        return []
    every = " AND ".join(quoted(t) for t in common)
    some = " OR ".join(quoted(t) for t in common)
    return [every] if len(common) == 1 else [every, some]
