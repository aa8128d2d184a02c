"""The VectorIndex protocol: named spaces ("visual", "text") of L2-normalised vectors.

Similarity is cosine in [-1, 1]. Filtering happens inside the index (an allowed set of
asset ids), never after a top-k cut.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from typing import Protocol

import numpy as np

# Spaces of segment vectors (ingest replaces an asset's vectors in each of these);
# "speaker": one mean voice embedding per speaker of an asset (enrich/voices.py);
# "sound": one YAMNet class profile per "sound" segment (enrich/sound.py, by example).
SPACES = ("visual", "text", "speaker", "sound")
# One vector per asset: its metadata's meaning (kept by store/metadata_space.py).
META_SPACE = "meta"
# Everything an index holds, as `assistant index migrate` copies it.
ALL_SPACES = (*SPACES, META_SPACE)


class VectorIndex(Protocol):
    def upsert(
        self, space: str, ids: list[str], vectors: np.ndarray, asset_ids: list[str]
    ) -> None: ...

    def delete_assets(self, space: str, asset_ids: list[str]) -> None: ...

    def query(
        self, space: str, vector: np.ndarray, k: int, asset_ids: AbstractSet[str] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest ids and their cosine similarity, best first."""
        ...

    def count(self, space: str) -> int: ...

    def ids(self, space: str, asset_id: str) -> list[str]: ...

    def scan(self, space: str) -> Iterator[tuple[list[str], np.ndarray, list[str]]]:
        """Every vector of a space in batches: (segment ids, matrix, asset ids)."""
        ...

    def close(self) -> None: ...

    def drop_space(self, space: str) -> None:
        """Remove every vector of a space (its next upsert may have another dimension)."""
        ...
