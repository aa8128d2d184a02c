"""A compact, embedded vector index for large archives (`store.vectors: faiss`): the
flat float32 rows (rows.py) are the record, and each space's faiss index (faiss_space.py:
exact while small, IVF with 8-bit codes once trained) only finds candidates, which are
re-ranked exactly over the rows. At 5M text vectors that is ~2 GB in memory where an
HNSW graph over float32 needs ~9 GB (bench/scale.py; docs/search.md "Speed").

Filters as in ChromaIndex: few allowed assets → exact over their rows; more → the
unfiltered index, deeper, keeping allowed hits; only then faiss's own id filter over the
allowed assets' rows. Deletes take effect in the rows at once (a label whose row is no
longer referenced is dropped), and in the index too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from pathlib import Path

import numpy as np

from assistant.errors import AssistantError
from assistant.store import asset_scope
from assistant.store.vectors.faiss_space import FaissSpace, IvfParams
from assistant.store.vectors.rows import VectorRows

# Allowed rows scored exactly when neither the index's top nor a deeper look found k of
# them: numpy over 200k memory-mapped rows is tens of ms, and never misses one.
_EXACT_MAX_ROWS = 200_000


class FaissIndex:
    def __init__(
        self,
        folder: Path,
        params: IvfParams | None = None,
        exact_max_assets: int = 2000,
    ) -> None:
        """`folder` (data_dir/faiss) holds this index's own rows and index files."""
        self.folder = folder
        self.rows = VectorRows(folder)
        self.params = params or IvfParams()
        self.exact_max_assets = exact_max_assets
        self._spaces: dict[str, FaissSpace] = {}
        self._asset_counts: dict[str, int] = {}  # assets per space (_share), until a write
        self._lock = threading.RLock()

    def _space(self, space: str) -> FaissSpace:
        """The space's index, caught up with its rows (other writers included)."""
        with self._lock:
            found = self._spaces.get(space)
            if found is None:
                found = self._spaces[space] = FaissSpace(self.folder, space, self.params)
            if self.rows.known(space):
                found.sync(self.rows)
            return found

    # --- writes -------------------------------------------------------------------------
    def upsert(self, space: str, ids: list[str], vectors: np.ndarray, asset_ids: list[str]) -> None:
        if not ids:
            return
        with self._lock:
            replaced = self.rows.rows_where(space, "id", ids) if self.rows.known(space) else []
            try:
                self.rows.upsert(space, ids, vectors, asset_ids, complete=True)
            except ValueError as exc:
                raise AssistantError(
                    f"The '{space}' index holds vectors of another size: {exc}",
                    hint="The model for this space changed; use a new --data-dir or "
                    "delete the vector_rows and faiss folders and ingest again.",
                ) from exc
            self._asset_counts.pop(space, None)
            index = self._space(space)
            index.remove(replaced)
            if index.due():
                index.save()

    def delete_assets(self, space: str, asset_ids: list[str]) -> None:
        if not asset_ids or not self.rows.known(space):
            return
        with self._lock:
            gone = self.rows.rows_where(space, "asset_id", asset_ids)
            self._asset_counts.pop(space, None)
            if gone:
                self.rows.delete_assets(space, asset_ids)
                self._space(space).remove(gone)

    def drop_space(self, space: str) -> None:
        with self._lock:
            FaissSpace(self.folder, space, self.params).drop()
            self._asset_counts.pop(space, None)
            held = self._spaces.pop(space, None)
            if held is not None:
                held.close()
            self.rows.drop(space)

    # --- reads --------------------------------------------------------------------------
    def query(
        self, space: str, vector: np.ndarray, k: int, asset_ids: AbstractSet[str] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest ids and cosines, best first, only of `asset_ids` when given."""
        if (asset_ids is not None and not asset_ids) or k <= 0 or not self.rows.known(space):
            return []
        query = np.asarray(vector, dtype=np.float32)
        if asset_ids is not None and asset_scope.at_least(asset_ids) <= self.exact_max_assets:
            return self.rows.nearest(space, query, k, asset_ids)
        with self._lock:
            index = self._space(space)
            depth = max(k, self.params.candidates)
            kept: list[tuple[str, int]] = []
            for n in (depth, max(depth, k * 32)):
                if asset_ids is not None and n * self._share(space, asset_ids) < k:
                    continue  # too few allowed hits expected among n: the filter's own path
                labels = index.search(query, n)
                kept = self._kept(space, labels, asset_ids)
                if len(kept) >= k or len(labels) < n:  # enough, or all the index found
                    return self.rows.top(space, kept, query, k)
            if asset_ids is None:
                return self.rows.top(space, kept, query, k)
            allowed = self.rows.row_numbers(space, "asset_id", asset_ids)
            if len(allowed) <= _EXACT_MAX_ROWS:  # e.g. a 1 % filter at 10^6 assets
                return self.rows.top_rows(space, allowed, query, k)
            labels = index.search(query, depth, allowed=allowed)
            return self.rows.top(space, self._kept(space, labels, asset_ids), query, k)

    def _share(self, space: str, asset_ids: AbstractSet[str]) -> float:
        """The allowed assets' share of the space's assets: at a 1 % filter, a look at
        the index's top 400 finds about 4 of them, two looks cost tens of ms at 10^6
        assets and then the filter's exact path runs anyway. The count is this process's
        (another writer's new assets only make the guess a little high: the looks run)."""
        if space not in self._asset_counts:
            self._asset_counts[space] = self.rows.asset_count(space)
        return asset_scope.at_least(asset_ids) / max(self._asset_counts[space], 1)

    def _kept(
        self, space: str, labels: np.ndarray, asset_ids: AbstractSet[str] | None
    ) -> list[tuple[str, int]]:
        """(id, row) of the labels whose rows still count and whose asset is allowed (a
        broad filter checks only these candidates' assets: store/asset_scope.py)."""
        live = self.rows.live(space, labels.tolist())
        allowed = asset_scope.passing(asset_ids, (asset for _, asset, _ in live))
        return [(i, row) for i, asset, row in live if asset in allowed]

    def warm(self, space: str) -> None:
        """Read a space's index now (retrieval/warm_up.py), so the first query does not;
        a space dropped before this ran (reembed) is left alone."""
        with self._lock:
            if self.rows.known(space):
                self._space(space)

    def count(self, space: str) -> int:
        return self.rows.count(space)

    def layout(self, space: str) -> dict[str, int | bool]:
        """What answers a space's queries now (bench/scale.py reports it): the vectors in
        its index, whether it is trained (IVF-SQ8) or still flat, its lists, the lists a
        query reads and the candidates re-ranked exactly; {} for an unknown space."""
        with self._lock:
            if not self.rows.known(space):
                return {}
            index = self._space(space)
            trained = index.trained
            return {
                "indexed": 0 if index.index is None else int(index.index.ntotal),
                "trained": trained,
                "lists": int(index.index.nlist) if trained else 0,
                "nprobe": self.params.nprobe if trained else 0,
                "candidates": self.params.candidates,
            }

    def ids(self, space: str, asset_id: str) -> list[str]:
        return self.rows.ids_of(space, asset_id)

    def scan(self, space: str) -> Iterator[tuple[list[str], np.ndarray, list[str]]]:
        return self.rows.scan(space)

    def save(self) -> None:
        with self._lock:
            for index in self._spaces.values():
                index.save()

    def close(self) -> None:
        """Write what changed, then close the rows and the mapped index files."""
        with self._lock:
            self.save()
            for index in self._spaces.values():
                index.close()
            self.rows.close()
