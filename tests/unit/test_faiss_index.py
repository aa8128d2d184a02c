"""The compact faiss backend (store/vectors/faiss_index.py): the VectorIndex protocol over
flat rows, exact while small and IVF-SQ8 once trained, saved and reopened."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.config import load_settings
from assistant.errors import AssistantError
from assistant.store.asset_scope import BroadFilter
from assistant.store.vectors.chroma import ChromaIndex
from assistant.store.vectors.factory import open_index
from assistant.store.vectors.faiss_index import FaissIndex
from assistant.store.vectors.faiss_space import IvfParams
from assistant.store.vectors.migrate import migrate
from tests.helpers.vector_migration import migrated_on_cli

DIM = 16
SMALL = IvfParams(train_at=400, nlist=8, nprobe=8, candidates=60, train_per_list=40)


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _corpus(n: int, assets: int, seed: int = 1) -> tuple[list[str], np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    asset_ids = [f"asset{i % assets:03d}" for i in range(n)]
    ids = [f"{a}:speech:{i}" for i, a in enumerate(asset_ids)]
    return ids, _unit(rng.normal(size=(n, DIM))), asset_ids


def _exact(matrix: np.ndarray, query: np.ndarray, k: int, ids: list[str]) -> set[str]:
    return {ids[j] for j in np.argsort(-(matrix @ query))[:k]}


def test_flat_space_is_exact_with_cosines(tmp_path: Path) -> None:
    index = FaissIndex(tmp_path, SMALL)
    ids, matrix, assets = _corpus(200, 20)
    index.upsert("text", ids, matrix * 3.0, assets)  # not unit length: cosines still
    found = index.query("text", matrix[7], k=10)
    assert found[0][0] == ids[7] and found[0][1] == pytest.approx(1.0, abs=1e-5)
    assert {i for i, _ in found} == _exact(matrix, matrix[7], 10, ids)
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
    assert index.count("text") == 200 and index.query("visual", matrix[0], k=3) == []
    assert index.layout("text") == {
        "indexed": 200,
        "trained": False,
        "lists": 0,
        "nprobe": 0,
        "candidates": 60,
    }
    assert index.layout("visual") == {}
    index.close()


def test_trained_space_finds_the_exact_neighbours_and_filters(tmp_path: Path) -> None:
    index = FaissIndex(tmp_path, SMALL, exact_max_assets=3)
    ids, matrix, assets = _corpus(1000, 100)
    for start in range(0, 1000, 250):  # trained once 400 are in, then added to
        stop = start + 250
        index.upsert("text", ids[start:stop], matrix[start:stop], assets[start:stop])
    assert index._spaces["text"].trained
    assert index.layout("text") == {
        "indexed": 1000,
        "trained": True,
        "lists": 8,
        "nprobe": 8,
        "candidates": 60,
    }
    hits = sum(
        len(
            {i for i, _ in index.query("text", matrix[q], k=10)}
            & _exact(matrix, matrix[q], 10, ids)
        )
        for q in range(0, 1000, 50)
    )
    assert hits / (10 * 20) >= 0.9
    # A broad filter (half the assets): only allowed assets, the best of them first.
    half = {f"asset{i:03d}" for i in range(0, 100, 2)}
    found = index.query("text", matrix[1], k=10, asset_ids=half)
    assert len(found) == 10 and all(i.split(":")[0] in half for i, _ in found)
    # A few assets (exact over their rows), and a middle-sized set far from the query.
    few = index.query("text", matrix[1], k=50, asset_ids={"asset005"})
    assert {i for i, _ in few} == {i for i, a in zip(ids, assets, strict=True) if a == "asset005"}
    some = {"asset010", "asset020", "asset030", "asset040"}
    picked = [j for j, a in enumerate(assets) if a in some]
    far = _unit(-matrix[picked].mean(axis=0, keepdims=True))[0]
    found = index.query("text", far, k=8, asset_ids=some)
    assert len(found) == 8 and all(i.split(":")[0] in some for i, _ in found)
    index.close()


def test_a_selective_filter_skips_the_unfiltered_looks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the allowed assets are too few for the index's top n to hold k of them, the
    unfiltered looks are skipped and the allowed rows are scored exactly; a broad filter
    still looks first. The share follows writes of new assets."""
    index = FaissIndex(tmp_path, SMALL, exact_max_assets=1)
    ids, matrix, assets = _corpus(1000, 100)
    index.upsert("text", ids, matrix, assets)
    space = index._space("text")
    looks: list[bool] = []
    original = space.search

    def counted(vector: np.ndarray, n: int, allowed: np.ndarray | None = None) -> np.ndarray:
        looks.append(allowed is None)
        return original(vector, n, allowed)

    monkeypatch.setattr(space, "search", counted)
    few = {"asset003", "asset004"}  # 2 %: looks of 60 and 640 expect 1.2 and 12.8 hits
    found = index.query("text", matrix[3], k=20, asset_ids=few)
    allowed = [j for j, a in enumerate(assets) if a in few]
    truth = [ids[allowed[j]] for j in np.argsort(-(matrix[allowed] @ matrix[3]))[:20]]
    assert [i for i, _ in found] == truth and looks == []
    broad = {f"asset{i:03d}" for i in range(0, 100, 2)}
    assert len(index.query("text", matrix[3], k=10, asset_ids=broad)) == 10
    assert looks and looks[0] is True  # an unfiltered look came first
    assert index._share("text", few) == pytest.approx(0.02)
    more_ids, more, more_assets = _corpus(100, 100, seed=2)
    index.upsert("text", [f"new{i}" for i in more_ids], more, [f"new{a}" for a in more_assets])
    assert index._share("text", few) == pytest.approx(0.01)
    index.close()


def test_delete_and_reembed_leave_the_index(tmp_path: Path) -> None:
    index = FaissIndex(tmp_path, SMALL)
    ids, matrix, assets = _corpus(600, 30)
    index.upsert("text", ids, matrix, assets)
    index.delete_assets("text", ["asset002", "asset003"])
    gone = {i for i, a in zip(ids, assets, strict=True) if a in ("asset002", "asset003")}
    assert index.count("text") == 560 and index.ids("text", "asset002") == []
    for q in (2, 3, 32):  # their own vectors as queries: never found again
        assert not gone & {i for i, _ in index.query("text", matrix[q], k=20)}
    index.upsert("text", ids[:1], matrix[1:2], assets[:1])  # same id, another vector
    assert index.count("text") == 560
    assert ids[0] in {i for i, _ in index.query("text", matrix[1], k=2)}
    assert ids[0] not in {i for i, _ in index.query("text", matrix[0], k=1)}
    index.close()


def test_saved_index_reopens_and_catches_up(tmp_path: Path) -> None:
    ids, matrix, assets = _corpus(900, 90)
    first = FaissIndex(tmp_path, SMALL)
    first.upsert("text", ids[:700], matrix[:700], assets[:700])
    first.close()
    files = sorted(p.name for p in tmp_path.glob("text.*.faiss"))
    assert files == ["text.700.faiss"]
    writer = FaissIndex(tmp_path, SMALL)  # another process's ingest, never saved
    writer.upsert("text", ids[700:], matrix[700:], assets[700:])
    writer.rows.close()
    reader = FaissIndex(tmp_path, SMALL)
    assert reader.query("text", matrix[850], k=1)[0][0] == ids[850]  # caught up
    assert reader._spaces["text"].trained and reader.count("text") == 900
    seen = {i for batch, _, _ in reader.scan("text") for i in batch}
    assert seen == set(ids) and reader.ids("text", "asset005") == [
        ids[5],
        ids[95],
        *[ids[j] for j in range(185, 900, 90)],
    ]
    reader.close()


def test_a_reopened_trained_index_is_mapped_until_it_is_changed(tmp_path: Path) -> None:
    ids, matrix, assets = _corpus(900, 90)
    first = FaissIndex(tmp_path, SMALL)
    first.upsert("text", ids[:700], matrix[:700], assets[:700])
    expected = first.query("text", matrix[3], k=5)
    first.close()
    reader = FaissIndex(tmp_path, SMALL)
    assert reader.query("text", matrix[3], k=5) == expected  # read through the mapping
    assert reader._spaces["text"].mapped is not None and reader._spaces["text"].trained
    # Another process saves a newer file (the mapped one is unlinked), then this one
    # writes: it reads its own file whole first (faiss aborts on a mapped add or remove).
    writer = FaissIndex(tmp_path, SMALL)
    writer.upsert("text", ids[700:800], matrix[700:800], assets[700:800])
    writer.close()
    assert sorted(p.name for p in tmp_path.glob("text.*.faiss")) == ["text.800.faiss"]
    reader.delete_assets("text", ["asset003"])  # a removal: caught up, then removed
    assert reader._spaces["text"].mapped is None
    reader.upsert("text", ids[800:], matrix[800:], assets[800:])
    assert reader.query("text", matrix[850], k=1)[0][0] == ids[850]
    assert ids[3] not in {i for i, _ in reader.query("text", matrix[3], k=5)}
    removed = sum(1 for a in assets[:800] if a == "asset003")  # 813 came after the delete
    assert removed == 9 and reader.count("text") == 900 - removed
    reader.close()
    again = FaissIndex(tmp_path, SMALL)
    assert again.query("text", matrix[850], k=1)[0][0] == ids[850]
    assert again.count("text") == 900 - removed
    again.close()


def test_drop_space_and_dimension_errors(tmp_path: Path) -> None:
    index = FaissIndex(tmp_path, SMALL)
    ids, matrix, assets = _corpus(500, 50)
    index.upsert("text", ids, matrix, assets)
    with pytest.raises(AssistantError, match="another size"):
        index.upsert("text", ["x"], np.ones((1, DIM + 1), dtype=np.float32), ["a"])
    index.close()
    reopened = FaissIndex(tmp_path, SMALL)
    reopened.drop_space("text")
    assert not list(tmp_path.glob("text.*.faiss")) and reopened.count("text") == 0
    wider = _unit(np.random.default_rng(3).normal(size=(5, DIM * 2)))
    reopened.upsert("text", ids[:5], wider, assets[:5])
    assert reopened.query("text", wider[2], k=1)[0][0] == ids[2]
    reopened.close()


def test_settings_and_migration_reach_it(tmp_path: Path) -> None:
    settings = load_settings("test", data_dir=tmp_path, store={"vectors": "faiss"})
    target = open_index(settings)
    assert isinstance(target, FaissIndex) and target.folder == tmp_path / "faiss"
    source = ChromaIndex(tmp_path / "chroma")
    ids, matrix, assets = _corpus(300, 30)
    source.upsert("text", ids, matrix, assets)
    report = migrate(source, target, ["text", "visual"], sample=10, k=10)
    assert report.ok and report.spaces[0].target == 300
    assert report.spaces[0].overlap_at_k == pytest.approx(1.0)
    target.close()


def test_cli_migrates_a_chroma_data_dir_to_faiss(tmp_path: Path) -> None:
    ids, matrix, assets = _corpus(120, 12)
    output, moved = migrated_on_cli(tmp_path, (ids, matrix, assets), "faiss")
    assert "120 → 120" in output and "ASSISTANT_STORE__VECTORS=faiss" in output
    try:
        assert moved.query("text", matrix[5], k=1)[0][0] == ids[5]
    finally:
        moved.close()


def test_a_broad_filter_checks_only_the_candidates(tmp_path: Path) -> None:
    """A filter kept as its condition (store/asset_scope.BroadFilter): the index asks it
    about its candidates' assets only, and finds what the listed ids would."""
    index = FaissIndex(tmp_path, SMALL, exact_max_assets=3)
    ids, matrix, assets = _corpus(1000, 100)
    index.upsert("text", ids, matrix, assets)
    half = {f"asset{i:03d}" for i in range(0, 100, 2)}
    asked: list[int] = []

    def check(wanted: list[str]) -> set[str]:
        asked.append(len(wanted))
        return {a for a in wanted if a in half}

    def read_all() -> set[str]:
        raise AssertionError("a broad filter's ids were listed")

    broad = BroadFilter(("1", []), read_all, check, at_least=len(half))
    for q in (1, 77, 500):
        assert index.query("text", matrix[q], k=10, asset_ids=broad) == index.query(
            "text", matrix[q], k=10, asset_ids=half
        )
    assert asked and max(asked) <= 100  # candidates' assets, never the archive's
    index.close()
