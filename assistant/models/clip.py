"""open_clip image/text encoder (CLIP): the `visual` vector space."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from assistant.models.base import l2_normalise
from assistant.models.inference import InferenceModel


@dataclass(frozen=True)
class _Clip:
    model: Any
    preprocess: Any
    tokenizer: Any


class OpenClipEncoder(InferenceModel[_Clip]):
    """Loads `arch` with weights from a local checkpoint on first use."""

    def __init__(
        self,
        arch: str,
        weights: Path | str,
        *,
        threads: int = 2,
        device: str = "cpu",
        name: str = "",
    ) -> None:
        super().__init__(name=name or f"open_clip {arch}", threads=threads, device=device)
        self.arch = arch
        self.weights = weights

    def _load(self) -> _Clip:
        import open_clip

        self._torch_threads()
        model, _, preprocess = open_clip.create_model_and_transforms(
            self.arch, pretrained=str(self.weights), device=self.device
        )
        model.eval()
        return _Clip(model, preprocess, open_clip.get_tokenizer(self.arch))

    def encode_images(self, images: Sequence[Image.Image]) -> np.ndarray:
        import torch

        clip = self.model
        if not images:
            return np.zeros((0, self.dim), dtype=np.float32)
        batch = torch.stack([clip.preprocess(image.convert("RGB")) for image in images])
        with torch.inference_mode():
            features = clip.model.encode_image(batch.to(self.device))
        return l2_normalise(features.float().cpu().numpy())

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        clip = self.model
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with torch.inference_mode():
            features = clip.model.encode_text(clip.tokenizer(list(texts)).to(self.device))
        return l2_normalise(features.float().cpu().numpy())

    @property
    def dim(self) -> int:
        return int(self.model.model.text_projection.shape[1])
