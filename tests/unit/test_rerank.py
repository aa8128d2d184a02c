"""Oversampling the graph and re-ranking exactly over the flat rows (rows.rerank,
ChromaIndex(candidates=...)): the answer is the exact top-k of the candidates."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.store.vectors.chroma import ChromaIndex, HnswParams
from assistant.store.vectors.rows import VectorRows


def _unit(rng: np.random.Generator, n: int, dim: int = 16) -> np.ndarray:
    rows = rng.standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_rerank_returns_the_exact_top_k_of_the_candidates(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    matrix = _unit(rng, 200)
    ids = [f"s{i}" for i in range(200)]
    rows = VectorRows(tmp_path / "rows")
    rows.upsert("text", ids, matrix, [f"a{i // 4}" for i in range(200)], complete=True)
    query = _unit(rng, 1)[0]
    candidates = [ids[i] for i in rng.choice(200, 60, replace=False)] + ["not-stored"]
    cosines = {i: float(matrix[ids.index(i)] @ query) for i in candidates[:-1]}
    truth = sorted(cosines, key=lambda i: -cosines[i])[:10]
    found = rows.rerank("text", query, candidates, 10)
    assert [i for i, _ in found] == truth  # exact order, the unknown id left out
    assert all(abs(c - cosines[i]) < 1e-5 for i, c in found)
    # A re-embedded vector is scored by its newest row.
    rows.upsert("text", [truth[0]], -query[None, :], ["a0"])
    assert truth[0] not in [i for i, _ in rows.rerank("text", query, candidates, 10)]
    assert rows.rerank("absent", query, candidates, 10) == []
    rows.close()


def test_an_oversampled_query_is_exact_when_the_candidates_cover_the_space(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(4)
    matrix = _unit(rng, 300)
    ids = [f"a{i // 3}:text:{i % 3}" for i in range(300)]
    index = ChromaIndex(
        tmp_path / "v",
        hnsw=HnswParams(m=4, ef_construction=8, ef_search=8),  # a poor graph on purpose
        rows=VectorRows(tmp_path / "rows"),
        candidates=300,
    )
    index.upsert("text", ids, matrix, [i.split(":")[0] for i in ids])
    for query in _unit(rng, 5):
        exact = np.argsort(-(matrix @ query), kind="stable")[:20]
        found = index.query("text", query, 20)
        assert [i for i, _ in found] == [ids[j] for j in exact]
        assert abs(found[0][1] - float(matrix[exact[0]] @ query)) < 1e-5
    index.close()
