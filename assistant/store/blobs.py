"""Vectors kept in the catalog's SQLite as BLOBs (face encodings, voice embeddings): the
float32 bytes written and read back the same way by every store that keeps one."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def vector_blob(vector: ArrayLike) -> bytes:
    """A vector (array or sequence of numbers) as float32 bytes, for a BLOB column."""
    return np.asarray(vector, dtype=np.float32).tobytes()


def blob_vector(blob: bytes) -> np.ndarray:
    """A BLOB column's float32 bytes as a writable vector (a copy, not a view of them)."""
    return np.frombuffer(blob, dtype=np.float32).copy()
