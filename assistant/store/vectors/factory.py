"""The vector index the settings name: embedded Chroma (default), a Chroma server, or Qdrant
(a cluster by URL, or local mode under the data dir), or faiss (embedded, compact: large
archives). Same protocol, same code paths."""

from __future__ import annotations

from assistant.config import Settings
from assistant.store.vectors.base import VectorIndex


def open_index(settings: Settings) -> VectorIndex:
    store = settings.store
    if store.vectors == "faiss":
        from assistant.store.vectors.faiss_index import FaissIndex
        from assistant.store.vectors.faiss_space import IvfParams

        f = store.faiss
        params = IvfParams(f.train_at, f.nlist, f.nprobe, f.candidates)
        return FaissIndex(settings.data_dir / "faiss", params, store.exact_max_assets)
    if store.vectors == "qdrant":
        from assistant.store.vectors.qdrant import QdrantIndex

        return QdrantIndex(store.qdrant, local_path=settings.data_dir / "qdrant")
    from assistant.store.vectors.chroma import ChromaIndex, HnswParams
    from assistant.store.vectors.rows import VectorRows

    return ChromaIndex(
        settings.vectors_dir,
        store.chroma_url,
        HnswParams(store.hnsw_m, store.hnsw_ef_construction, store.hnsw_ef_search),
        store.exact_max_assets,
        # Exact search of few assets over flat rows (embedded only: a shared server may
        # be written by other clients, which would not update these rows).
        rows=None if store.chroma_url else VectorRows(settings.data_dir / "vector_rows"),
    )
