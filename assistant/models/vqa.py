"""Visual question answering and captions with a transformers vision-language model.

BLIP-style models (BlipForQuestionAnswering) answer short questions; captions use the
same model with a neutral prompt. Weights only come from a local path or a hub download.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image


class TransformersVQA:
    def __init__(
        self, folder: Path | str, *, threads: int = 2, name: str = "", max_new_tokens: int = 24
    ) -> None:
        self.folder = folder
        self.threads = threads
        self.name = name or Path(folder).name
        self.max_new_tokens = max_new_tokens
        self._model: Any = None
        self._processor: Any = None

    def load(self) -> None:
        if self._model is not None:
            return
        import torch
        from transformers import AutoProcessor, BlipForQuestionAnswering

        torch.set_num_threads(self.threads)
        self._processor = AutoProcessor.from_pretrained(str(self.folder), local_files_only=True)
        self._model = BlipForQuestionAnswering.from_pretrained(
            str(self.folder), local_files_only=True
        ).eval()

    def answer(self, image: Image.Image, question: str) -> str:
        import torch

        self.load()
        inputs = self._processor(images=image.convert("RGB"), text=question, return_tensors="pt")
        with torch.inference_mode():
            output = self._model.generate(**inputs, max_new_tokens=self.max_new_tokens)
        return str(self._processor.decode(output[0], skip_special_tokens=True)).strip()

    def caption(self, image: Image.Image) -> str:
        return self.answer(image, "what is in the picture?")
