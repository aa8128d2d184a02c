"""Chroma behind the VectorIndex protocol: embedded (PersistentClient) or a server.

We always pass our own embeddings: Chroma's default embedding function would try to
download a model.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from assistant.errors import AssistantError

_BATCH = 2000  # stay under Chroma's max batch size


def _client(path: Path | None, url: str | None) -> Any:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        try:
            return chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1", port=parsed.port or 8000,
                ssl=parsed.scheme == "https", settings=chroma_settings,
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


class ChromaIndex:
    def __init__(self, path: Path | None = None, url: str | None = None) -> None:
        self._client = _client(path, url)
        self._collections: dict[str, Any] = {}

    def _collection(self, space: str) -> Any:
        if space not in self._collections:
            self._collections[space] = self._client.get_or_create_collection(
                name=space, configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
        return self._collections[space]

    def upsert(
        self, space: str, ids: list[str], vectors: np.ndarray, asset_ids: list[str]
    ) -> None:
        if not ids:
            return
        collection = self._collection(space)
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

    def delete_assets(self, space: str, asset_ids: list[str]) -> None:
        if asset_ids:
            self._collection(space).delete(where={"asset_id": {"$in": list(asset_ids)}})

    def query(
        self, space: str, vector: np.ndarray, k: int, asset_ids: set[str] | None = None
    ) -> list[tuple[str, float]]:
        collection = self._collection(space)
        if asset_ids is not None and not asset_ids:
            return []
        where = {"asset_id": {"$in": sorted(asset_ids)}} if asset_ids is not None else None
        total = collection.count()
        if total == 0:
            return []
        result = collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=min(k, total),
            where=where, include=["distances"],
        )
        ids = result["ids"][0]
        distances = result["distances"][0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]

    def count(self, space: str) -> int:
        return int(self._collection(space).count())

    def drop_space(self, space: str) -> None:
        self._collections.pop(space, None)
        try:
            self._client.delete_collection(name=space)
        except Exception as exc:  # absent already: nothing to drop
            if "not exist" not in str(exc).lower() and "not found" not in str(exc).lower():
                raise

    def ids(self, space: str, asset_id: str) -> list[str]:
        found = self._collection(space).get(where={"asset_id": asset_id}, include=[])
        return list(found["ids"])

    def scan(self, space: str) -> Iterator[tuple[list[str], np.ndarray, list[str]]]:
        """Every vector of a space in batches: (segment ids, matrix, asset ids)."""
        collection = self._collection(space)
        for offset in range(0, collection.count(), _BATCH):
            found = collection.get(include=["embeddings", "metadatas"], limit=_BATCH,
                                   offset=offset)
            if not found["ids"]:
                return
            yield (list(found["ids"]), np.asarray(found["embeddings"], dtype=np.float32),
                   [str(meta["asset_id"]) for meta in found["metadatas"]])

    def close(self) -> None:
        """Nothing to release: Chroma's client lives as long as the process."""
