"""The opened archive: settings, catalog, vector index and models, built once by an entry
point and passed to everything that needs them (no globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.config import Settings
from assistant.models.provider import ModelProvider
from assistant.store.catalog import Catalog
from assistant.store.vectors.base import VectorIndex
from assistant.store.vectors.factory import open_index

if TYPE_CHECKING:
    from assistant.store.faces import FaceStore


@dataclass
class Archive:
    settings: Settings
    catalog: Catalog
    vectors: VectorIndex
    models: ModelProvider
    # Long-lived helpers opened on first use and closed with the archive, by name (the
    # ingest worker processes: a server's second ingest finds them warm).
    extras: dict[str, Any] = field(default_factory=dict)
    _faces: FaceStore | None = field(default=None, init=False, repr=False)

    @property
    def faces(self) -> FaceStore:
        """Faces and people (store/faces.py), opened on first use; it keeps the face
        encodings' matrix in memory between queries."""
        if self._faces is None:
            from assistant.store.faces import FaceStore

            self._faces = FaceStore(self.catalog)
        return self._faces

    @classmethod
    def open(cls, settings: Settings, model_overrides: dict[str, Any] | None = None) -> Archive:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return cls(
            settings=settings,
            catalog=Catalog(settings.catalog_path, settings.store.fts_rank_budget),
            vectors=open_index(settings),
            models=ModelProvider(settings.models, model_overrides),
        )

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for extra in self.extras.values():
            extra.close()
        self.extras.clear()
        self.catalog.close()
        self.vectors.close()
