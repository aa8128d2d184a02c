"""store/vectors/exact.cosine_top: the best k by cosine, in the order a full stable sort
gives (ties in row order), without normalising a copy of the matrix."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.store.vectors.exact import cosine_top


def _reference(matrix: np.ndarray, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
    rows = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    cosines = rows @ (vector / np.linalg.norm(vector))
    return [(int(i), float(cosines[i])) for i in np.argsort(-cosines, kind="stable")[:k]]


@pytest.mark.parametrize(("n", "k"), [(5000, 50), (30, 50), (200, 1), (64, 64)])
def test_the_best_k_match_a_full_sort_ties_included(n: int, k: int) -> None:
    rng = np.random.default_rng(n)
    matrix = rng.normal(size=(n, 24)).astype(np.float32)
    matrix[9] = matrix[4]  # the same vector: a tie, kept in row order
    matrix[17] = matrix[4]
    found = cosine_top(matrix, matrix[4] * 3.0, k)
    expected = _reference(matrix, matrix[4], k)
    assert [i for i, _ in found] == [i for i, _ in expected]
    assert np.allclose([c for _, c in found], [c for _, c in expected], atol=1e-5)
    if k > 1:
        assert [i for i, _ in found[:3]] == [4, 9, 17]
