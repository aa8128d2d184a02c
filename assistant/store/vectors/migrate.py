"""Copy every vector space from one index to another, then check the copy: the same counts,
and the same nearest neighbours for a sample of stored vectors used as queries."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable

import numpy as np
from pydantic import BaseModel

from assistant.store.vectors.base import VectorIndex


class SpaceCopy(BaseModel):
    space: str
    source: int
    target: int
    sample_queries: int = 0
    # Mean share of the source's top-k the target also returns for the same query.
    overlap_at_k: float | None = None


class MigrationReport(BaseModel):
    spaces: list[SpaceCopy]
    k: int
    seconds: float

    @property
    def ok(self) -> bool:
        return all(
            s.source == s.target and (s.overlap_at_k is None or s.overlap_at_k >= 0.9)
            for s in self.spaces
        )


def migrate(
    source: VectorIndex,
    target: VectorIndex,
    spaces: Iterable[str],
    *,
    sample: int = 20,
    k: int = 10,
    seed: int = 0,
    copied: Callable[[str, int], None] | None = None,
) -> MigrationReport:
    started = time.perf_counter()
    results = []
    for space in spaces:
        kept = _copy_space(source, target, space, sample, random.Random(seed), copied)
        results.append(_verify(source, target, space, kept, k))
    return MigrationReport(spaces=results, k=k, seconds=round(time.perf_counter() - started, 2))


def _copy_space(
    source: VectorIndex,
    target: VectorIndex,
    space: str,
    sample: int,
    rng: random.Random,
    copied: Callable[[str, int], None] | None,
) -> list[np.ndarray]:
    """Copy batch by batch; keep a reservoir sample of vectors to query with afterwards."""
    kept: list[np.ndarray] = []
    seen = 0
    for ids, matrix, asset_ids in source.scan(space):
        target.upsert(space, ids, matrix, asset_ids)
        for row in matrix:
            seen += 1
            if len(kept) < sample:
                kept.append(row)
            elif (slot := rng.randrange(seen)) < sample:
                kept[slot] = row
        if copied:
            copied(space, seen)
    return kept


def _verify(
    source: VectorIndex, target: VectorIndex, space: str, queries: list[np.ndarray], k: int
) -> SpaceCopy:
    overlaps = []
    for vector in queries:
        expected = {i for i, _ in source.query(space, vector, k)}
        found = {i for i, _ in target.query(space, vector, k)}
        overlaps.append(len(expected & found) / max(1, len(expected)))
    return SpaceCopy(
        space=space,
        source=source.count(space),
        target=target.count(space),
        sample_queries=len(queries),
        overlap_at_k=round(float(np.mean(overlaps)), 4) if overlaps else None,
    )
