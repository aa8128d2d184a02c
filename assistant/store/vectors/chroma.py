"""Chroma behind the VectorIndex protocol: embedded (PersistentClient) or a server.

We always pass our own embeddings: Chroma's default embedding function would try to
download a model.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from assistant.errors import AssistantError
from assistant.store.vectors.chroma_import import import_chromadb
from assistant.store.vectors.exact import cosine_top
from assistant.store.vectors.rows import VectorRows

logger = logging.getLogger(__name__)
_BATCH = 5000  # large batches (ingest at scale), under Chroma's max batch size (5461)


def _client(path: Path | None, url: str | None) -> Any:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    chromadb = import_chromadb()  # without its import-time signature checks
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        try:
            return chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:
            raise AssistantError(
                f"Cannot reach the Chroma server at {url}: {exc}",
                hint="Start it with `chroma run --path DIR`, or unset store.chroma_url "
                "to use the embedded store.",
            ) from exc
    assert path is not None
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def _absent(exc: Exception) -> bool:
    """Chroma's "no such collection" (its message differs across versions)."""
    message = str(exc).lower()
    return "not exist" in message or "not found" in message


@dataclass(frozen=True)
class HnswParams:
    """HNSW graph settings (config.StoreSettings): M and the build beam are fixed when a
    space is created; the query beam `ef_search` is applied to existing spaces too."""

    m: int = 32
    ef_construction: int = 200
    ef_search: int = 800


class ChromaIndex:
    def __init__(
        self,
        path: Path | None = None,
        url: str | None = None,
        hnsw: HnswParams | None = None,
        exact_max_assets: int = 2000,
        rows: VectorRows | None = None,
        candidates: int = 0,
    ) -> None:
        """`rows`: the same vectors as flat rows, for exact search of few assets
        (rows.py; embedded only: a server may be written by other clients).
        `candidates`: an unfiltered query asks the graph for this many (when above k)
        and re-ranks them exactly over the rows (0: off; bench/recall.py measures it)."""
        self._client = _client(path, url)
        self._collections: dict[str, Any] = {}
        # The handles' cache, and per space a lock a warm-up holds while it loads: a drop
        # waits for it, so no thread keeps (or caches) a handle to a deleted collection.
        self._lock = threading.RLock()
        self._space_locks: dict[str, threading.Lock] = {}
        self.hnsw = hnsw or HnswParams()
        self.exact_max_assets = exact_max_assets
        self.rows = rows
        self.candidates = candidates

    def _collection(self, space: str) -> Any:
        with self._lock:
            if space not in self._collections:
                collection = self._client.get_or_create_collection(
                    name=space,
                    embedding_function=None,
                    configuration={
                        "hnsw": {
                            "space": "cosine",
                            "max_neighbors": self.hnsw.m,
                            "ef_construction": self.hnsw.ef_construction,
                            "ef_search": self.hnsw.ef_search,
                        }
                    },
                )
                self._apply_ef_search(collection)
                self._collections[space] = collection
            return self._collections[space]

    def _existing(self, space: str) -> Any | None:
        """The space's collection when it exists; None, creating nothing, when not."""
        with self._lock:
            if space not in self._collections:
                try:
                    collection = self._client.get_collection(name=space, embedding_function=None)
                except Exception as exc:
                    if not _absent(exc):
                        raise
                    return None
                self._apply_ef_search(collection)
                self._collections[space] = collection
            return self._collections[space]

    def _space_lock(self, space: str) -> threading.Lock:
        with self._lock:
            return self._space_locks.setdefault(space, threading.Lock())

    def _apply_ef_search(self, collection: Any) -> None:
        """An existing space keeps its M; its query beam follows the settings."""
        current = (collection.configuration or {}).get("hnsw") or {}
        if current.get("ef_search") not in (None, self.hnsw.ef_search):
            collection.modify(configuration={"hnsw": {"ef_search": self.hnsw.ef_search}})

    def upsert(self, space: str, ids: list[str], vectors: np.ndarray, asset_ids: list[str]) -> None:
        if not ids:
            return
        collection = self._collection(space)
        # A space new to the rows is complete there only when the index held nothing yet
        # (one count per space and process; an older index needs `backfill_rows`).
        fresh = self.rows is not None and not self.rows.known(space) and collection.count() == 0
        for start in range(0, len(ids), _BATCH):
            stop = start + _BATCH
            try:
                collection.upsert(
                    ids=ids[start:stop],
                    embeddings=np.asarray(vectors[start:stop], dtype=np.float32),
                    metadatas=[{"asset_id": a} for a in asset_ids[start:stop]],
                )
            except Exception as exc:
                if "dimension" in str(exc).lower():
                    raise AssistantError(
                        f"The '{space}' index holds vectors of another size: {exc}",
                        hint="The model for this space changed; use a new --data-dir or "
                        "delete the vectors folder and ingest again.",
                    ) from exc
                raise
        if self.rows is not None:
            self.rows.upsert(space, ids, vectors, asset_ids, complete=fresh)

    def delete_assets(self, space: str, asset_ids: list[str]) -> None:
        if asset_ids:
            self._collection(space).delete(where={"asset_id": {"$in": list(asset_ids)}})
            if self.rows is not None:
                self.rows.delete_assets(space, asset_ids)

    def backfill_rows(self, space: str) -> int:
        """Copy a space made before the rows existed into them (rows.py); 0 when there
        are no rows or they are complete already."""
        if self.rows is None or self.rows.complete(space):
            return 0
        return self.rows.backfill(space, self.scan(space))

    def query(
        self, space: str, vector: np.ndarray, k: int, asset_ids: AbstractSet[str] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest ids and cosines, best first, only of `asset_ids` when given. A filter
        allowing few assets is answered exactly over their vectors; a broad one by the
        unfiltered graph, deeper, keeping allowed hits (exact once k of them are found:
        every better allowed vector ranks above them); the id list goes into the index's
        own filter only when neither works (bench/scale.py)."""
        try:
            return self._query(space, vector, k, asset_ids)
        except Exception as exc:
            # Another process (an ingest beside `assistant serve`) has written a space's
            # records but not yet its graph files: answer without this space for now.
            if "Nothing found on disk" not in str(exc):
                raise
            logger.warning("the '%s' index is being written by another process: %s", space, exc)
            with self._lock:
                self._collections.pop(space, None)
            return []

    def _query(
        self, space: str, vector: np.ndarray, k: int, asset_ids: AbstractSet[str] | None
    ) -> list[tuple[str, float]]:
        # No count() first: it costs a scan of the space (0.17 s at 300k vectors), and
        # Chroma answers an n_results beyond its size (or an empty space) with what it has.
        collection = self._collection(space)
        if asset_ids is not None and not asset_ids:
            return []
        query = np.asarray(vector, dtype=np.float32)
        if asset_ids is None:
            return self._unfiltered(space, collection, query, k)
        if len(asset_ids) <= self.exact_max_assets:
            if self.rows is not None and self.rows.complete(space):
                return self.rows.nearest(space, query, k, asset_ids)
            return self._exact(collection, query, k, {"asset_id": {"$in": sorted(asset_ids)}})
        for depth in (k * 4, k * 32):
            found, reached = self._nearest(collection, query, depth, None, asset_ids)
            if len(found) >= k or reached < depth:  # enough, or the whole space was seen
                return found[:k]
        return self._nearest(collection, query, k, {"asset_id": {"$in": sorted(asset_ids)}})[0]

    def _unfiltered(
        self, space: str, collection: Any, query: np.ndarray, k: int
    ) -> list[tuple[str, float]]:
        """The graph's top k, or its top `candidates` re-ranked exactly over the rows."""
        if self.candidates <= k or self.rows is None or not self.rows.complete(space):
            return self._nearest(collection, query, k, None)[0]
        found = self._nearest(collection, query, self.candidates, None)[0]
        return self.rows.rerank(space, query, [i for i, _ in found], k)

    @staticmethod
    def _nearest(
        collection: Any,
        query: np.ndarray,
        n: int,
        where: Any,
        keep: AbstractSet[str] | None = None,
    ) -> tuple[list[tuple[str, float]], int]:
        """(hits, best first, of `keep`'s assets when given; how many the index gave)."""
        result = collection.query(
            query_embeddings=[query],
            n_results=n,
            where=where,
            include=["distances", "metadatas"] if keep is not None else ["distances"],
        )
        ids, distances = result["ids"][0], result["distances"][0]
        found = [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]
        if keep is None:
            return found, len(found)
        metas = result["metadatas"][0]
        kept = [
            hit
            for hit, meta in zip(found, metas, strict=True)
            if (meta or {}).get("asset_id") in keep
        ]
        return kept, len(found)

    @staticmethod
    def _exact(collection: Any, vector: np.ndarray, k: int, where: Any) -> list[tuple[str, float]]:
        """Exact cosine top-k over the allowed assets' vectors (few: numpy beats a filtered
        graph walk there, and it never misses a neighbour)."""
        found = collection.get(where=where, include=["embeddings"])
        if not found["ids"]:
            return []
        top = cosine_top(np.asarray(found["embeddings"]), vector, k)
        return [(found["ids"][i], cosine) for i, cosine in top]

    def count(self, space: str) -> int:
        return int(self._collection(space).count())

    def warm(self, space: str) -> None:
        """Load a space's graph now (retrieval/warm_up.py): a query with one of its own
        vectors, so the first real query does not wait for the read. Empty, or dropped
        before this ran (reembed): nothing, and no space is created."""
        with self._space_lock(space):
            collection = self._existing(space)
            if collection is None:
                return
            found = collection.get(limit=1, include=["embeddings"])
            if len(found["ids"]):
                collection.query(query_embeddings=[found["embeddings"][0]], n_results=1, include=[])

    def drop_space(self, space: str) -> None:
        """Delete a space, after a warm-up loading it has finished (it would otherwise
        cache the deleted collection's handle, and the next write fail on it)."""
        with self._space_lock(space), self._lock:
            self._collections.pop(space, None)
            if self.rows is not None:
                self.rows.drop(space)
            try:
                self._client.delete_collection(name=space)
            except Exception as exc:  # absent already: nothing to drop
                if not _absent(exc):
                    raise

    def ids(self, space: str, asset_id: str) -> list[str]:
        found = self._collection(space).get(where={"asset_id": asset_id}, include=[])
        return list(found["ids"])

    def scan(self, space: str) -> Iterator[tuple[list[str], np.ndarray, list[str]]]:
        """Every vector of a space in batches: (segment ids, matrix, asset ids)."""
        collection = self._collection(space)
        for offset in range(0, collection.count(), _BATCH):
            found = collection.get(include=["embeddings", "metadatas"], limit=_BATCH, offset=offset)
            if not found["ids"]:
                return
            yield (
                list(found["ids"]),
                np.asarray(found["embeddings"], dtype=np.float32),
                [str(meta["asset_id"]) for meta in found["metadatas"]],
            )

    def close(self) -> None:
        """Chroma's client lives as long as the process; the rows' file is closed."""
        if self.rows is not None:
            self.rows.close()
