"""A small sentence encoder for agent tests: a bag of concepts, each content word (or the
concept `same` maps it to) one dimension, so the synonyms a test names meet the way a real
encoder places them together ("charges" and "tariffs", "held" and "frozen")."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.vocabulary.words import words


class ConceptEncoder:
    def __init__(
        self, same: dict[str, str], ignored: set[str], min_chars: int, dim: int = 64
    ) -> None:
        self.same, self.ignored, self.min_chars, self.dim = same, ignored, min_chars, dim
        self.seen: list[str] = []  # every text encoded, in order

    def _vector(self, text: str) -> np.ndarray:
        self.seen.append(text)
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in words(text.lower()):
            if word not in self.ignored and len(word) >= self.min_chars:
                vector[sum(map(ord, self.same.get(word, word))) % self.dim] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_queries(texts)
