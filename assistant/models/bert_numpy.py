"""A sentence-transformers BERT model (all-MiniLM-L6-v2: mean pooling, normalised) run in
numpy, for the first text queries of a fresh process: importing torch, transformers and
sentence-transformers and loading the model took most of a cold first query (8-10 s of
13 s at 100k assets, bench/cold_start.py); this needs only numpy and `tokenizers`.

The weights are the package's own `model.safetensors`, memory-mapped: a query reads the
layers and the few embedding rows of its tokens, not the whole 30k-word table (47 MB),
which counts when the page cache is cold. Vectors match sentence-transformers' to a
cosine above 0.9999 (tests/unit/test_bert_numpy.py); the torch encoder stays the one for
passages (ingest) and is the fallback for a folder this cannot read (`readable`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np

_OTHER_POOLING = (
    "pooling_mode_cls_token",
    "pooling_mode_max_tokens",
    "pooling_mode_mean_sqrt_len_tokens",
)
_DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": None, "I64": np.int64}


def readable(folder: Path) -> bool:
    """True when `folder` is a BERT sentence-transformers model this module runs: safetensors
    weights, a fast tokenizer, and Transformer -> mean Pooling (-> Normalize) modules."""
    try:
        config = json.loads((folder / "config.json").read_text())
        modules = json.loads((folder / "modules.json").read_text())
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        pooling = json.loads((folder / modules[1]["path"] / "config.json").read_text())
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return False
    return (
        config.get("model_type") == "bert"
        and config.get("hidden_act") == "gelu"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and kinds in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"])
        and pooling.get("pooling_mode_mean_tokens") is True
        and not any(pooling.get(k) for k in _OTHER_POOLING)
        and (folder / "model.safetensors").is_file()
        and (folder / "tokenizer.json").is_file()
    )


def mapped_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The file's tensors as read-only views of one memory map (no copy, no read yet).
    The format: an 8-byte little-endian header size, a JSON header, then raw data."""
    with path.open("rb") as handle:
        size = int.from_bytes(handle.read(8), "little")
        header = json.loads(handle.read(size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(entry["dtype"])
        if dtype is None:
            raise ValueError(f"{path.name}: tensor {name} is {entry['dtype']}, not supported")
        start, stop = entry["data_offsets"]
        tensors[name] = data[start:stop].view(dtype).reshape(entry["shape"])
    return tensors


_controller: list[Any] = []  # threadpoolctl's view of the loaded BLAS, found once


def _one_blas_thread() -> AbstractContextManager[Any]:
    """BLAS on one thread for a query's small matrices (tokens x 384): a second thread
    only waits on the first, and on a busy machine the pair spent 1-1.6 s on one query
    that one thread did in 0.17 s (bench/cold_start.py, load 11)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return nullcontext()
    if not _controller:
        _controller.append(ThreadpoolController())
    return _controller[0].limit(limits=1, user_api="blas")


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to 1.5e-7 (Abramowitz & Stegun 7.1.26): BERT's exact GELU without scipy."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return sign * (1.0 - poly * np.exp(-a * a))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class NumpyBert:
    """The model loaded from `folder` (cheap: the weights are mapped, the tokenizer read)."""

    def __init__(self, folder: Path, max_tokens: int | None = None) -> None:
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        st_config = folder / "sentence_bert_config.json"
        limit = (
            json.loads(st_config.read_text()).get("max_seq_length") if st_config.is_file() else None
        )
        self.max_tokens = int(max_tokens or limit or config["max_position_embeddings"])
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.dim = int(config["hidden_size"])
        self.weights = mapped_safetensors(folder / "model.safetensors")
        self.prefix = "bert." if "bert.embeddings.word_embeddings.weight" in self.weights else ""
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # As sentence-transformers tokenizes: truncated at max_seq_length, padded per batch.
        tokenizer.enable_truncation(self.max_tokens)
        tokenizer.no_padding()
        self.tokenizer = tokenizer

    def _w(self, name: str) -> np.ndarray:
        return self.weights[self.prefix + name]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Mean-pooled, L2-normalised sentence vectors, one row per text."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # One text at a time: no padding, so each is exactly what a batch of one gives.
        with _one_blas_thread():
            for row, encoding in enumerate(self.tokenizer.encode_batch(list(texts))):
                hidden = self._forward(np.asarray(encoding.ids), np.asarray(encoding.type_ids))
                pooled = hidden.mean(0)
                out[row] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
        return out

    def _forward(self, ids: np.ndarray, types: np.ndarray) -> np.ndarray:
        w = self._w
        x = (
            np.asarray(w("embeddings.word_embeddings.weight")[ids], dtype=np.float32)
            + w("embeddings.position_embeddings.weight")[: len(ids)]
            + w("embeddings.token_type_embeddings.weight")[types]
        )
        x = _layer_norm(
            x, w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"), self.eps
        )
        for layer in range(self.layers):
            x = self._layer(x, f"encoder.layer.{layer}.")
        return x

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self._w(name + ".weight").T + self._w(name + ".bias")

    def _layer(self, x: np.ndarray, p: str) -> np.ndarray:
        tokens, heads = x.shape[0], self.heads
        size = self.dim // heads

        def split(t: np.ndarray) -> Any:
            return t.reshape(tokens, heads, size).transpose(1, 0, 2)

        q = split(self._linear(x, p + "attention.self.query"))
        k = split(self._linear(x, p + "attention.self.key"))
        v = split(self._linear(x, p + "attention.self.value"))
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(size)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(1, 0, 2).reshape(tokens, self.dim)
        attended = self._linear(context, p + "attention.output.dense")
        x = _layer_norm(
            attended + x,
            self._w(p + "attention.output.LayerNorm.weight"),
            self._w(p + "attention.output.LayerNorm.bias"),
            self.eps,
        )
        inner = _gelu(self._linear(x, p + "intermediate.dense"))
        out = self._linear(inner, p + "output.dense")
        return _layer_norm(
            out + x,
            self._w(p + "output.LayerNorm.weight"),
            self._w(p + "output.LayerNorm.bias"),
            self.eps,
        )
