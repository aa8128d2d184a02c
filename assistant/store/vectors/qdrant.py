"""Qdrant behind the VectorIndex protocol: a cluster by URL, or local mode (a folder) which
speaks the same client API and is what the tests run.

One collection per vector space. Qdrant point ids must be integers or UUIDs, so each
segment id maps to a UUID5 and travels in the payload beside its asset id; `asset_id` has a
keyword payload index, so filters run inside the index (never after a top-k cut).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import QdrantSettings
from assistant.errors import AssistantError

_BATCH = 512
_NAMESPACE = uuid.UUID("6f1d3c1e-7a43-4d0e-9a55-2b8f3f0c9e11")  # fixed: ids must be stable


def point_id(segment_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, segment_id))


class QdrantIndex:
    def __init__(self, settings: QdrantSettings, local_path: Path | None = None) -> None:
        from qdrant_client import QdrantClient

        self.settings = settings
        if settings.url:
            self._client = QdrantClient(
                url=settings.url,
                api_key=settings.api_key,
                prefer_grpc=settings.prefer_grpc,
                timeout=30,
            )
        else:
            if local_path is None:
                raise AssistantError("Qdrant needs store.qdrant.url or a local folder.")
            local_path.mkdir(parents=True, exist_ok=True)
            self._client = QdrantClient(path=str(local_path))
        self._ready: set[str] = set()

    def close(self) -> None:
        self._client.close()

    def _name(self, space: str) -> str:
        return f"{self.settings.collection_prefix}{space}"

    def _exists(self, space: str) -> bool:
        if space in self._ready:
            return True
        if self._client.collection_exists(self._name(space)):
            self._ready.add(space)
            return True
        return False

    def _create(self, space: str, dimension: int) -> None:
        from qdrant_client import models

        s = self.settings
        quantization = (
            models.ScalarQuantization(
                scalar=models.ScalarQuantizationConfig(type=models.ScalarType.INT8, always_ram=True)
            )
            if s.quantization == "scalar"
            else None
        )
        self._client.create_collection(
            self._name(space),
            vectors_config=models.VectorParams(
                size=dimension, distance=models.Distance.COSINE, on_disk=s.on_disk
            ),
            shard_number=s.shard_number,
            replication_factor=s.replication_factor,
            write_consistency_factor=s.write_consistency_factor,
            hnsw_config=models.HnswConfigDiff(m=s.hnsw_m, ef_construct=s.hnsw_ef_construct),
            quantization_config=quantization,
        )
        if s.url:  # local mode has no payload indexes (and says so on every call)
            self._client.create_payload_index(
                self._name(space), "asset_id", models.PayloadSchemaType.KEYWORD
            )
        self._ready.add(space)

    def drop_space(self, space: str) -> None:
        """Remove the space's collection (the next upsert creates it at its dimension)."""
        self._ready.discard(space)
        if self._client.collection_exists(self._name(space)):
            self._client.delete_collection(self._name(space))

    def upsert(self, space: str, ids: list[str], vectors: np.ndarray, asset_ids: list[str]) -> None:
        from qdrant_client import models

        if not ids:
            return
        matrix = np.asarray(vectors, dtype=np.float32)
        if not self._exists(space):
            self._create(space, int(matrix.shape[1]))
        for start in range(0, len(ids), _BATCH):
            points = [
                models.PointStruct(
                    id=point_id(segment_id),
                    vector=row.tolist(),
                    payload={"segment_id": segment_id, "asset_id": asset_id},
                )
                for segment_id, row, asset_id in zip(
                    ids[start : start + _BATCH],
                    matrix[start : start + _BATCH],
                    asset_ids[start : start + _BATCH],
                    strict=True,
                )
            ]
            self._client.upsert(self._name(space), points=points, wait=True)

    def delete_assets(self, space: str, asset_ids: list[str]) -> None:
        from qdrant_client import models

        if not asset_ids or not self._exists(space):
            return
        self._client.delete(
            self._name(space),
            points_selector=models.FilterSelector(filter=_assets_filter(set(asset_ids))),
            wait=True,
        )

    def query(
        self, space: str, vector: np.ndarray, k: int, asset_ids: AbstractSet[str] | None = None
    ) -> list[tuple[str, float]]:
        from qdrant_client import models

        if not self._exists(space) or (asset_ids is not None and not asset_ids):
            return []
        found = self._client.query_points(
            self._name(space),
            query=np.asarray(vector, dtype=np.float32).tolist(),
            limit=k,
            query_filter=None if asset_ids is None else _assets_filter(asset_ids),
            # Local mode searches exactly and warns about graph parameters on every call.
            search_params=models.SearchParams(hnsw_ef=self.settings.hnsw_ef)
            if self.settings.url
            else None,
            with_payload=["segment_id"],
        )
        return [
            (str(point.payload["segment_id"]), float(point.score))
            for point in found.points
            if point.payload
        ]

    def count(self, space: str) -> int:
        if not self._exists(space):
            return 0
        return int(self._client.count(self._name(space), exact=True).count)

    def ids(self, space: str, asset_id: str) -> list[str]:
        return [
            segment_id
            for batch in self._scroll(space, {asset_id}, vectors=False)
            for segment_id, _, _ in batch
        ]

    def scan(self, space: str) -> Iterator[tuple[list[str], np.ndarray, list[str]]]:
        """Every vector of a space in batches: (segment ids, matrix, asset ids)."""
        for batch in self._scroll(space, None, vectors=True):
            ids = [segment_id for segment_id, _, _ in batch]
            matrix = np.asarray([vector for _, vector, _ in batch], dtype=np.float32)
            yield ids, matrix, [asset_id for _, _, asset_id in batch]

    def _scroll(
        self, space: str, asset_ids: AbstractSet[str] | None, vectors: bool
    ) -> Iterator[list[tuple[str, Any, str]]]:
        if not self._exists(space):
            return
        offset = None
        while True:
            points, offset = self._client.scroll(
                self._name(space),
                limit=_BATCH,
                offset=offset,
                with_vectors=vectors,
                scroll_filter=None if asset_ids is None else _assets_filter(asset_ids),
                with_payload=True,
            )
            if points:
                yield [
                    (str(p.payload["segment_id"]), p.vector, str(p.payload["asset_id"]))
                    for p in points
                    if p.payload
                ]
            if offset is None:
                return


def _assets_filter(asset_ids: AbstractSet[str]) -> Any:
    from qdrant_client import models

    return models.Filter(
        must=[models.FieldCondition(key="asset_id", match=models.MatchAny(any=sorted(asset_ids)))]
    )
