"""Running the encoders in batches of settings.ingest.batch_size."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image

from assistant.models.base import ImageTextEncoder, TextEncoder


def in_batches(count: int, size: int) -> list[slice]:
    size = max(1, size)
    return [slice(start, min(count, start + size)) for start in range(0, count, size)]


def encode_texts(encoder: TextEncoder, texts: Sequence[str], batch_size: int) -> np.ndarray:
    parts = [encoder.encode_passages(list(texts[s])) for s in in_batches(len(texts), batch_size)]
    return np.concatenate(parts) if parts else np.zeros((0, 0), np.float32)


def encode_pictures(
    encoder: ImageTextEncoder, pictures: Sequence[Image.Image], batch_size: int
) -> np.ndarray:
    parts = [
        encoder.encode_images(list(pictures[s])) for s in in_batches(len(pictures), batch_size)
    ]
    return np.concatenate(parts) if parts else np.zeros((0, 0), np.float32)
