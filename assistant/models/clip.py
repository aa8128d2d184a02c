"""open_clip image/text encoder (CLIP): the `visual` vector space."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from assistant.models.base import l2_normalise


class OpenClipEncoder:
    """Loads `arch` with weights from a local checkpoint on first use."""

    def __init__(self, arch: str, weights: Path | str, *, threads: int = 2, name: str = "") -> None:
        self.arch = arch
        self.weights = weights
        self.threads = threads
        self.name = name or f"open_clip {arch}"
        self._model: Any = None
        self._preprocess: Any = None
        self._tokenizer: Any = None

    def load(self) -> None:
        if self._model is not None:
            return
        import open_clip
        import torch

        torch.set_num_threads(self.threads)
        model, _, preprocess = open_clip.create_model_and_transforms(
            self.arch, pretrained=str(self.weights), device="cpu"
        )
        model.eval()
        self._model, self._preprocess = model, preprocess
        self._tokenizer = open_clip.get_tokenizer(self.arch)

    def encode_images(self, images: Sequence[Image.Image]) -> np.ndarray:
        import torch

        self.load()
        if not images:
            return np.zeros((0, self.dim), dtype=np.float32)
        batch = torch.stack([self._preprocess(image.convert("RGB")) for image in images])
        with torch.inference_mode():
            features = self._model.encode_image(batch)
        return l2_normalise(features.float().numpy())

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        self.load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with torch.inference_mode():
            features = self._model.encode_text(self._tokenizer(list(texts)))
        return l2_normalise(features.float().numpy())

    @property
    def dim(self) -> int:
        self.load()
        return int(self._model.text_projection.shape[1])
