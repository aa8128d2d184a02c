"""Visual question answering and captions with a transformers vision-language model.

BLIP-style models (BlipForQuestionAnswering) answer short questions; captions use the
same model with a neutral prompt. Weights only come from a local path or a hub download.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Unpack

from PIL import Image

from assistant.models.inference import FolderModel, Runtime


@dataclass(frozen=True)
class _Blip:
    model: Any
    processor: Any


class TransformersVQA(FolderModel[_Blip]):
    def __init__(
        self, folder: Path | str, *, max_new_tokens: int = 24, **runtime: Unpack[Runtime]
    ) -> None:
        super().__init__(folder, **runtime)
        self.max_new_tokens = max_new_tokens

    def _load(self) -> _Blip:
        from transformers import AutoProcessor, BlipForQuestionAnswering

        self._torch_threads()
        processor = AutoProcessor.from_pretrained(str(self.folder), local_files_only=True)
        model: Any = BlipForQuestionAnswering.from_pretrained(
            str(self.folder), local_files_only=True
        )
        return _Blip(model.to(self.device).eval(), processor)

    def answer(self, image: Image.Image, question: str) -> str:
        import torch

        blip = self.model
        inputs = blip.processor(images=image.convert("RGB"), text=question, return_tensors="pt")
        with torch.inference_mode():
            output = blip.model.generate(
                **inputs.to(self.device), max_new_tokens=self.max_new_tokens
            )
        return str(blip.processor.decode(output[0], skip_special_tokens=True)).strip()

    def caption(self, image: Image.Image) -> str:
        return self.answer(image, "what is in the picture?")
