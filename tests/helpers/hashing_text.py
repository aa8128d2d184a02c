"""A text encoder for tests that run ingest or search without the real model: words hashed
into `dim` dimensions, so it is deterministic and texts sharing words get similar vectors
(plumbing only, no quality claim). Named so the index records which encoder built it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np


class HashingTextEncoder:
    cosine_range = (0.25, 0.75)

    def __init__(self, name: str = "hashing", dim: int = 64) -> None:
        self.name, self.dim = name, dim

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self.dim), np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                rows[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)

    encode_queries = encode_passages


def text_only(encoder: Any = None) -> dict[str, Any]:
    """Model overrides for an archive with no CLIP and no speech model, texts embedded by
    `encoder` (a HashingTextEncoder unless given)."""
    return {"clip": None, "asr": None, "text": encoder or HashingTextEncoder()}
