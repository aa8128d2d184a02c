"""Bounded full-text ranking (store/fts_bounded.py) against the plain bm25 query it
replaced: the same results while every word is rare, rare words ranked first and common
words only filling up when one is held by more rows than the budget, filters and kinds
kept inside the query either way."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.schemas import Segment, make_segment_id
from assistant.store import fts_bounded
from assistant.store.catalog import Catalog
from tests.helpers.builders import asset_row

COMMON = ["council", "budget"]  # in almost every segment
RARE = ["harbour", "tram", "festival", "minister", "flood", "museum"]


def _catalog(path: Path, budget: int, n: int = 120) -> Catalog:
    """n assets of two segments (speech or text): every one says the common words, a few
    the rare ones; every 7th asset has failed (never searchable)."""
    rng = np.random.default_rng(5)
    catalog = Catalog(path, budget)
    for i in range(n):
        asset_id = f"a{i:03d}"
        asset_kind = "audio" if i % 2 else "document"
        status = "failed" if i % 7 == 3 else "indexed"
        catalog.put_asset(asset_row("/m", asset_id, asset_kind, asset_id, status=status))
        kind = "speech" if i % 2 else "text"
        segments = []
        for j in range(2):
            words = [*COMMON[: 1 + (i + j) % 2], "and", "the"]
            words += [RARE[int(r)] for r in rng.integers(0, len(RARE), 2) if rng.random() < 0.3]
            words += ["filler"] * int(rng.integers(0, 6))
            segments.append(
                Segment(
                    segment_id=make_segment_id(asset_id, kind, j),
                    asset_id=asset_id,
                    kind=kind,  # type: ignore[arg-type]
                    index=j,
                    text=" ".join(rng.permutation(words)),
                )
            )
        catalog.replace_segments(asset_id, segments)
    return catalog


def _plain_bm25(
    catalog: Catalog,
    words: list[str],
    k: int,
    asset_ids: set[str] | None = None,
    kinds: list[str] | None = None,
) -> list[str]:
    """The query before bounding: every word OR-ed, every match joined and bm25-ranked."""
    sql = (
        "SELECT t.segment_id, bm25(segments_fts) AS rank FROM segments_fts "
        "JOIN segments t ON t.rowid = segments_fts.rowid JOIN assets a USING (asset_id) "
        "WHERE segments_fts MATCH ? AND a.status='indexed'"
    )
    params: list[object] = [" OR ".join(f'"{w}"' for w in words)]
    if asset_ids is not None:
        sql += f" AND t.asset_id IN ({', '.join('?' * len(asset_ids))})"
        params += sorted(asset_ids)
    if kinds:
        sql += f" AND t.kind IN ({', '.join('?' * len(kinds))})"
        params += kinds
    rows = catalog._rows(sql + " ORDER BY rank, t.rowid LIMIT ?", [*params, k])
    return [row[0] for row in rows]


def _hits(found: list[tuple[str, float]]) -> list[str]:
    return [hit for hit, _ in found]


def _texts(catalog: Catalog, ids: list[str]) -> list[set[str]]:
    segments = catalog.segments_by_id(ids)
    return [set(segments[i].text.split()) for i in ids]


@pytest.mark.parametrize(
    "words", [["harbour"], ["council", "harbour"], ["budget", "tram", "museum"], COMMON]
)
def test_all_rare_is_the_plain_bm25_query(tmp_path: Path, words: list[str]) -> None:
    catalog = _catalog(tmp_path / "c.sqlite", budget=100_000)
    for k in (5, 30, 400):
        assert _hits(catalog.keyword_search(" ".join(words), k)) == _plain_bm25(catalog, words, k)
    kinds, allowed = ["speech"], {f"a{i:03d}" for i in range(0, 120, 5)}
    assert _hits(catalog.keyword_search(" ".join(words), 20, allowed, kinds)) == _plain_bm25(
        catalog, words, 20, allowed, kinds
    )


def test_common_words_are_not_ranked_but_fill_after_the_rare_ones(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path / "c.sqlite", budget=100)
    split = fts_bounded.split_terms(catalog._rows, "segments_fts", ["council", "museum"], 100)
    assert split.rare == ["museum"] and split.common == ["council"]
    assert 0 < split.rows <= 100
    museum = _plain_bm25(catalog, ["museum"], 1000)
    found = _hits(catalog.keyword_search("council museum", len(museum) + 15))
    # Ranked part: exactly the rare word's bm25 order; then 15 rows saying "council".
    assert found[: len(museum)] == museum
    filled = found[len(museum) :]
    assert len(filled) == 15 and not set(filled) & set(museum)
    assert all("council" in words for words in _texts(catalog, filled))
    # Newest first, and only searchable assets.
    rowids = [
        catalog._rows("SELECT rowid FROM segments WHERE segment_id=?", [i])[0][0] for i in filled
    ]
    assert rowids == sorted(rowids, reverse=True)
    assert all(catalog.get_asset(i.split(":")[0]).status == "indexed" for i in found)  # type: ignore[union-attr]


def test_only_common_words_fill_with_rows_holding_all_of_them_first(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path / "c.sqlite", budget=100)
    found = _hits(catalog.keyword_search("council budget", 40))
    texts = _texts(catalog, found)
    both = [i for i, words in enumerate(texts) if {"council", "budget"} <= words]
    assert len(found) == 40 and both == list(range(len(both))) and both
    assert all(words & {"council", "budget"} for words in texts)


def test_filters_and_kinds_stay_inside_the_bounded_query(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path / "c.sqlite", budget=100)
    allowed = {f"a{i:03d}" for i in range(1, 120, 10)}  # odd: audio, speech segments
    found = _hits(catalog.keyword_search("council tram", 50, allowed, ["speech"]))
    tram = _plain_bm25(catalog, ["tram"], 50, allowed, ["speech"])
    assert found[: len(tram)] == tram
    assert found and all(i.split(":")[0] in allowed and ":speech:" in i for i in found)
    # The fill is bounded: it reads the newest budget + 1 rows saying "council", and keeps
    # every allowed one of them (the filter is inside the query, not after a cut).
    newest = catalog._rows(
        "SELECT t.segment_id FROM (SELECT rowid FROM segments_fts WHERE segments_fts "
        "MATCH 'council' ORDER BY rowid DESC LIMIT 101) m JOIN segments t USING (rowid)"
    )
    council = _plain_bm25(catalog, ["council"], 1000, allowed, ["speech"])
    expected = set(tram) | ({row[0] for row in newest} & set(council))
    assert set(found) == expected and len(expected) < 50


def test_a_deep_rank_that_too_few_rows_pass_falls_back_to_all_ranked_rows(
    tmp_path: Path,
) -> None:
    catalog = _catalog(tmp_path / "c.sqlite", budget=100_000)
    # One allowed asset: the best 4k rows overall hold almost none of its segments.
    allowed = {"a118"}
    assert _hits(catalog.keyword_search("council", 3, allowed)) == _plain_bm25(
        catalog, ["council"], 3, allowed
    )


def test_the_fill_reads_only_the_common_words_newest_rows(tmp_path: Path) -> None:
    """Rows holding every common word are looked for among the rarest one's newest
    budget + 1 rows, not through whole doclists: the oldest rows saying both words (and
    outside both words' windows) are not part of the fill."""
    catalog = Catalog(tmp_path / "c.sqlite", 5)
    texts = ["council budget"] * 3 + ["council", "budget"] * 10  # the 3 oldest say both
    for i, text in enumerate(texts):
        asset_id = f"a{i:03d}"
        catalog.put_asset(asset_row("/m", asset_id, "document", asset_id, status="indexed"))
        segment = Segment(
            segment_id=make_segment_id(asset_id, "text", 0),
            asset_id=asset_id,
            kind="text",
            index=0,
            text=text,
        )
        catalog.replace_segments(asset_id, [segment])
    found = _hits(catalog.keyword_search("council budget", 15))
    # No row of council's newest 6 (a011-a021) says both; any word: from the newest row
    # down to the later floor, budget's 6th newest (a012). Fewer than 15, newest first.
    assert found == [f"a{i:03d}:text:0" for i in range(22, 11, -1)]


def test_a_selective_filter_skips_the_look_at_the_best_rows_overall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Too few allowed assets for the best 4k rows overall to hold k of theirs: only the
    allowed rows' own ranking runs, with the same hits; a broad filter looks first."""
    catalog = _catalog(tmp_path / "c.sqlite", budget=100_000)
    depths: list[int | None] = []
    best = catalog._fts_best

    def spied(scope: object, query: str, k: int, depth: int | None) -> list[tuple[str, float]]:
        depths.append(depth)
        return best(scope, query, k, depth)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog, "_fts_best", spied)
    few = {"a005", "a010", "a020"}  # 3 of 103 indexed: 4 x 3 x 3 < 103
    assert _hits(catalog.keyword_search("council", 3, few)) == _plain_bm25(
        catalog, ["council"], 3, few
    )
    assert depths == [None]
    depths.clear()
    broad = {f"a{i:03d}" for i in range(0, 120, 2)}
    assert _hits(catalog.keyword_search("council", 3, broad)) == _plain_bm25(
        catalog, ["council"], 3, broad
    )
    assert depths[0] == 12
    catalog.put_asset(catalog.get_asset("a000").model_copy(update={"asset_id": "b000"}))  # type: ignore[union-attr]
    assert catalog.indexed_count() == 104  # counted again after a write
