"""Search at scale: filters in SQL, the packed pHash array, metadata meaning in the index,
exact search for small filters. Each is checked against the simple reference it replaced
(Python filter rules, imagehash distances, brute-force cosine)."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import imagehash
import numpy as np
import pytest

from assistant.schemas import Filters, Segment
from assistant.similarity.hash_index import HashIndex, parse_hex
from assistant.store import metadata_space
from assistant.store.catalog import Catalog
from assistant.store.filter_sql import FILTER_SQL, filtered_from, filters_sql
from assistant.store.metadata_rules import matches_filters
from assistant.store.vectors.chroma import ChromaIndex
from tests.helpers.builders import asset_row
from tests.helpers.search_archive import meta_value

PLACES = ["Leuven", "Leuven, Belgium", "Ghent", "Brussels", "Sint-Truiden", "Zürich"]
PEOPLE = ["Anna Schmidt", "Lionel Messi", "Marc Peeters", "Élise Dubois"]
TOPICS = ["energy", "football", "weather", "budget"]
DATES = ["2019", "2019-05", "2019-05-03", "2019:05:04 10:30:00", "2021-06-01T08:00", "soon"]
KEYS = ["A minor", "C major", "a  MINOR", "G"]
LANGUAGES = ["fr", "French", "de", "nl-BE", "not a language"]


def _asset(catalog: Catalog, asset_id: str, kind: str, status: str = "indexed") -> None:
    catalog.put_asset(asset_row("/m", f"{kind}/{asset_id}", kind, asset_id, status=status))


def _random_catalog(path: Path, n: int = 80) -> Catalog:
    """Assets with every kind of value the filters read, including unreadable ones and a
    curated value that hides a guessed one."""
    rng = np.random.default_rng(3)
    catalog = Catalog(path)
    kinds = ["image", "video", "audio", "document"]
    for i in range(n):
        asset_id = f"r{i:03d}"
        _asset(catalog, asset_id, kinds[i % 4], "failed" if i % 17 == 5 else "indexed")
        values = []
        if rng.random() < 0.8:
            values.append(meta_value("place", PLACES[rng.integers(len(PLACES))]))
        if rng.random() < 0.3:
            values.append(meta_value("place", "Antwerp", "propagated", 0.5))
        if rng.random() < 0.7:
            values.append(meta_value("people", [PEOPLE[j] for j in rng.integers(0, 4, 2)]))
        if rng.random() < 0.7:
            values.append(meta_value("topics", [TOPICS[rng.integers(4)]]))
        if rng.random() < 0.8:
            values.append(meta_value("date", DATES[rng.integers(len(DATES))], "exif"))
        if rng.random() < 0.5:
            values.append(meta_value("language", [LANGUAGES[j] for j in rng.integers(0, 5, 2)]))
        if rng.random() < 0.5:
            values.append(meta_value("source", "Harbour authority" if i % 2 else "Belga"))
        if i % 4 == 2:
            j = i // 4
            values += [
                meta_value("tempo", [72.0, "fast", 150][j % 3], "analysis"),
                meta_value("mode", ["minor", "Major"][j % 2], "analysis"),
                meta_value("key", KEYS[j % 4], "analysis"),
            ]
        if values:
            catalog.set_metadata(asset_id, values)
    return catalog


FILTER_CASES: list[dict[str, Any]] = [
    {"kind": "image"},
    {"kind": "audio,video"},
    {"place": "leuven"},
    {"place": "Leuven, Bel"},
    {"place": "zür"},
    {"place": "Gh"},
    {"place": "antwerp"},
    {"people": "Messi"},
    {"people": ["élise", "peeters"]},
    {"topics": "energy,weather"},
    {"source": "harbour"},
    {"source": "50%"},
    {"source": "har*"},  # glob and FTS5 query characters are plain text in a filter
    {"place": 'leu"ven'},
    {"place": "ven OR gh"},
    {"date_from": "2019-05-01"},
    {"date_to": "2019-05-03"},
    {"date_from": "2019-01-01", "date_to": "2019-12-31", "kind": "image"},
    {"tempo_min": 100},
    {"tempo_max": 100, "mode": "minor"},
    {"mode": "major"},
    {"key": "a minor"},
    {"key": "A"},
    {"key": "g"},
    {"key": "C major", "tempo_min": 120},
    {"place": "leuven", "people": "anna", "date_from": "2019-05-02"},
    {"place": "leuven", "kind": "image,video"},
    {"place": "ghent", "date_from": "2019-01-01"},
    {"language": "fr"},
    {"language": "German,nl"},
    {"language": "es"},
]


def _passing_by_python(catalog: Catalog, filters: Filters) -> set[str]:
    """The reference: metadata_rules.matches_filters over every indexed asset."""
    metadata = catalog.all_effective_metadata()
    return {
        a.asset_id
        for a in catalog.assets()
        if matches_filters(filters, a.kind, metadata.get(a.asset_id, {}))
    }


@pytest.mark.parametrize("pairs", FILTER_CASES, ids=lambda p: ",".join(map(str, p.items())))
def test_sql_filters_agree_with_the_python_rules(tmp_path: Path, pairs: dict[str, Any]) -> None:
    catalog = _random_catalog(tmp_path / "catalog.sqlite")
    filters = Filters.parse(pairs)
    expected = _passing_by_python(catalog, filters)
    assert not catalog.every_asset_indexed()  # some failed: each match's status is read
    assert catalog.filter_assets(filters) == expected
    # Every asset indexed: a trigram filter reads its ids from asset_facets alone.
    for asset in catalog.assets(status="failed"):
        catalog.set_status(asset.asset_id, "indexed")
    assert catalog.every_asset_indexed()
    assert catalog.filter_assets(filters) == _passing_by_python(catalog, filters) >= expected
    assert expected or pairs in (
        {"source": "50%"},
        {"source": "har*"},
        {"place": 'leu"ven'},
        {"place": "ven OR gh"},
        {"place": "antwerp"},
        {"language": "es"},
    )


def test_a_trigram_filter_reads_its_matches_first_not_every_asset(tmp_path: Path) -> None:
    """A place filter (with a date beside it: 24 s at 10^5 assets when SQLite walked every
    asset) starts from the facets the trigram index matched."""
    catalog = _random_catalog(tmp_path / "catalog.sqlite")
    condition, params = filters_sql(Filters.parse({"place": "ghent", "date_from": "2019-01-01"}))
    sql = f"EXPLAIN QUERY PLAN SELECT a.asset_id {filtered_from(condition)}{condition}"
    plan = [str(row[3]) for row in catalog._rows(sql, params)]
    assert plan[0].split()[:2] == ["SEARCH", "f"], plan
    assert not any(
        step.startswith(("SCAN a", "SEARCH a USING INDEX assets_status")) for step in plan
    )
    assert "SEARCH a USING COVERING INDEX assets_state (asset_id=? AND status=?)" in plan


def test_every_filter_field_has_sql() -> None:
    """A new Filters field needs its SQL in store/filter_sql.py (docs/internals.md)."""
    assert set(FILTER_SQL) == set(Filters.model_fields)


def test_facets_follow_edits_deletes_and_old_catalogs(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    _asset(catalog, "c1", "image")
    catalog.set_metadata("c1", [meta_value("place", "Leuven")])
    leuven = Filters(place="leuven")
    assert catalog.filter_assets(leuven) == {"c1"}
    catalog.set_metadata("c1", [meta_value("place", "Ghent", "user")])  # curated wins
    assert catalog.filter_assets(leuven) == set()
    catalog.clear_metadata("c1", ["user"])
    assert catalog.filter_assets(leuven) == {"c1"}
    with catalog.transaction() as db:  # a catalog from before asset_facets existed
        db.execute("DELETE FROM asset_facets")
    catalog.close()
    reopened = Catalog(tmp_path / "catalog.sqlite")
    assert reopened.filter_assets(leuven) == {"c1"}
    reopened.delete_asset("c1")
    assert reopened.filter_assets(leuven) == set()


def test_browsing_reads_assets_in_path_order_leaving_out_matches(tmp_path: Path) -> None:
    catalog = _random_catalog(tmp_path / "catalog.sqlite")
    filters = Filters.parse({"kind": "image"})
    every = sorted(
        catalog.filter_assets(filters) or set(), key=lambda i: catalog.get_asset(i).rel_path
    )  # type: ignore[union-attr]
    page = catalog.filtered_assets(filters, 5, exclude=every[:2])
    assert [a.asset_id for a in page] == every[2:7]
    assert catalog.has_assets_outside(["image", "video", "audio"])
    assert not catalog.has_assets_outside(["image", "video", "audio", "document"])


# --- pHashes ----------------------------------------------------------------------------
def test_hex_parsing_matches_python_and_flags_bad_hashes() -> None:
    good = [hashlib.sha256(str(i).encode()).hexdigest()[:16] for i in range(50)]
    values, readable = parse_hex([*good, "not-hex", "abc", "0123456789ABCDEF", "é" * 16])
    assert [int(v) for v in values[:50]] == [int(h, 16) for h in good]
    assert list(readable[50:]) == [False, False, True, False]
    assert int(values[52]) == 0x0123456789ABCDEF


def _visual(asset_id: str, index: int, phash: str) -> Segment:
    return Segment.of(asset_id, "visual", index, phash=phash, embedded=False)


def test_hash_index_appends_new_rows_and_rereads_after_deletes(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    rng = np.random.default_rng(5)
    hashes = {f"h{i}": f"{int(rng.integers(0, 2**62)):016x}" for i in range(6)}
    for asset_id in list(hashes)[:4]:
        _asset(catalog, asset_id, "image")
        catalog.replace_segments(asset_id, [_visual(asset_id, 0, hashes[asset_id])])
    index = HashIndex()
    index.refresh(catalog)
    assert len(index.segment_ids) == 4
    query = imagehash.hex_to_hash(hashes["h1"])
    expected = {
        sid: query - imagehash.hex_to_hash(hashes[sid.split(":")[0]]) for sid in index.segment_ids
    }
    assert (
        dict(
            zip(index.segment_ids, index.distances(int(str(query), 16), None).tolist(), strict=True)
        )
        == expected
    )
    for asset_id in list(hashes)[4:]:  # appended: only the new rows are read
        _asset(catalog, asset_id, "video")
        catalog.replace_segments(asset_id, [_visual(asset_id, 0, hashes[asset_id])])
    index.refresh(catalog)
    assert len(index.segment_ids) == 6
    only = index.distances(int(hashes["h5"], 16), {"h5"})
    assert sorted(only.tolist()) == [0, 64, 64, 64, 64, 64]
    catalog.delete_asset("h0")
    index.refresh(catalog)
    assert sorted(index.segment_ids) == sorted(f"h{i}:visual:0" for i in range(1, 6))


# --- metadata meaning as its own vector space -------------------------------------------
class HashingEncoder:
    """Deterministic bag-of-words vectors (plumbing only, no quality claim)."""

    name = "hashing"
    cosine_range = (0.25, 0.75)

    def __init__(self) -> None:
        self.passages = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(64, dtype=np.float32)
        for word in text.lower().replace(".", " ").split():
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
        return vector / max(float(np.linalg.norm(vector)), 1e-6)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passages += len(texts)
        return np.stack([self._vector(t) for t in texts])

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])


def test_metadata_space_follows_every_metadata_change(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    vectors = ChromaIndex(tmp_path / "vectors")
    encoder = HashingEncoder()
    for asset_id, title in (("m1", "harbour cranes at night"), ("m2", "football final")):
        _asset(catalog, asset_id, "image")
        catalog.set_metadata(asset_id, [meta_value("title", title)])
    assert metadata_space.sync(catalog, vectors, encoder) == 2
    assert metadata_space.sync(catalog, vectors, encoder) == 0  # nothing changed
    query = encoder.encode_queries(["football"])[0]
    assert vectors.query(metadata_space.SPACE, query, 1)[0][0] == "m2"
    catalog.set_metadata("m1", [meta_value("title", "football crowd", "user")])
    assert metadata_space.sync(catalog, vectors, encoder) == 1  # only the edited asset
    assert encoder.passages == 3
    assert {i for i, _ in vectors.query(metadata_space.SPACE, query, 5, {"m1"})} == {"m1"}
    catalog.delete_asset("m2")
    metadata_space.sync(catalog, vectors, encoder)
    assert [i for i, _ in vectors.query(metadata_space.SPACE, query, 5)] == ["m1"]


def test_an_index_from_before_the_metadata_space_is_filled_in(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    _asset(catalog, "m1", "image")
    catalog.set_metadata("m1", [meta_value("title", "market stall")])
    catalog.clear_meaning_stale(["m1"])  # as a catalog made before the space existed
    vectors = ChromaIndex(tmp_path / "vectors")
    # A warm engine skips the check (it ran on its first query): nothing to embed.
    assert metadata_space.sync(catalog, vectors, HashingEncoder(), backfill=False) == 0
    assert metadata_space.sync(catalog, vectors, HashingEncoder()) == 1
    assert vectors.count(metadata_space.SPACE) == 1


# --- exact search for small filters -----------------------------------------------------
def test_exact_search_for_few_assets_agrees_with_the_graph(tmp_path: Path) -> None:
    rng = np.random.default_rng(9)
    matrix = rng.standard_normal((400, 32)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    ids = [f"a{i // 4}:text:{i % 4}" for i in range(400)]
    assets = [f"a{i // 4}" for i in range(400)]
    graph = ChromaIndex(tmp_path / "v", exact_max_assets=0)
    exact = ChromaIndex(tmp_path / "v", exact_max_assets=1000)
    graph.upsert("text", ids, matrix, assets)
    few = {f"a{i}" for i in range(0, 100, 7)}  # deep walk: 32 x k
    most = {f"a{i}" for i in range(100) if i % 10}  # the first, 4 x k walk is enough
    for allowed, query in itertools.product((few, most), matrix[:4]):
        brute = sorted(
            (i for i in range(400) if assets[i] in allowed), key=lambda i: -float(matrix[i] @ query)
        )[:10]
        found = exact.query("text", query, 10, allowed)
        assert [i for i, _ in found] == [ids[i] for i in brute]
        assert [i for i, _ in found] == [i for i, _ in graph.query("text", query, 10, allowed)]
        assert all(abs(c - float(matrix[ids.index(i)] @ query)) < 1e-4 for i, c in found)
    assert list(itertools.islice(exact.query("text", matrix[0], 10, set()), 1)) == []


def test_queries_never_count_the_space(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A count is a scan of the space (0.17 s at 3e5 vectors): a query asks for k, and an
    index holding fewer (or none, or fewer allowed) answers with what it has."""
    import chromadb.api.models.Collection as chroma_collection

    rng = np.random.default_rng(4)
    matrix = rng.standard_normal((30, 16)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    ids = [f"a{i // 3}:text:{i % 3}" for i in range(30)]
    assets = [f"a{i // 3}" for i in range(30)]
    index = ChromaIndex(tmp_path / "v", exact_max_assets=0)  # filters walk the graph
    index.upsert("text", ids, matrix, assets)
    index.upsert("meta", ["m"], matrix[:1], ["m"])
    index.delete_assets("meta", ["m"])

    def refuse(self: object) -> int:
        raise AssertionError("a query counted the space")

    monkeypatch.setattr(chroma_collection.Collection, "count", refuse)
    assert index.query("meta", matrix[0], 5) == []  # an empty space
    everything = index.query("text", matrix[0], 100)
    brute = sorted(range(30), key=lambda i: -float(matrix[i] @ matrix[0]))
    assert [i for i, _ in everything] == [ids[i] for i in brute]
    # Allowed assets hold 6 vectors, k is 50: the walk ends when the index runs out.
    allowed = {"a2", "a7"}
    found = index.query("text", matrix[0], 50, allowed)
    assert [i for i, _ in found] == [ids[i] for i in brute if assets[i] in allowed]


def test_a_filters_ids_are_written_as_json_once(tmp_path: Path) -> None:
    """Each filtered signal's SQL takes the passing ids as one sorted JSON array: the
    catalog's answer makes it once for all of them (store/asset_scope.py)."""
    from assistant.store.asset_scope import ListedIds, as_json

    catalog = _random_catalog(tmp_path / "catalog.sqlite")
    passing = catalog.filter_assets(Filters.parse({"place": "leuven"}))
    assert isinstance(passing, ListedIds) and passing
    assert as_json(passing) is as_json(passing)
    assert json.loads(as_json(passing)) == sorted(passing)
    assert as_json(["b", "a", "b"]) == '["a", "b"]'
