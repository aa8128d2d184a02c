"""Exact cosine top-k over a small matrix: the chroma index's filtered path and the flat
vector rows both answer few-asset queries this way (numpy beats a filtered graph walk
there, and it never misses a neighbour)."""

from __future__ import annotations

import numpy as np


def _unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=-1, keepdims=True), 1e-12)


def cosine_top(matrix: np.ndarray, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
    """(row, cosine) of the k rows nearest `vector`, best first. Rows and query are both
    normalised here, so a query that is not unit length gets the same cosines the graph
    indexes give it (their spaces are cosine)."""
    rows = _unit(np.asarray(matrix, dtype=np.float32))
    cosines = rows @ _unit(np.asarray(vector, dtype=np.float32))
    top = np.argsort(-cosines, kind="stable")[:k]
    return [(int(i), float(cosines[i])) for i in top]
