"""Visual QA with a llama.cpp vision GGUF and its multimodal projector (mmproj).

The chat handler family must match the model (LLaVA 1.5/1.6, Qwen2.5-VL, MiniCPM-V,
Moondream, ...): set it with `models.vqa.options.handler`; the projector file with
`models.vqa.options.projector`.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

from PIL import Image

from assistant.errors import MissingModelError

HANDLERS = {
    "llava15": "Llava15ChatHandler",
    "llava16": "Llava16ChatHandler",
    "qwen25vl": "Qwen25VLChatHandler",
    "minicpmv26": "MiniCPMv26ChatHandler",
    "moondream": "MoondreamChatHandler",
    "nanollava": "NanoLlavaChatHandler",
}


def image_data_uri(image: Image.Image, max_px: int = 768) -> str:
    """A JPEG data URI; large pictures are shrunk first (the projector resizes anyway)."""
    picture = image.convert("RGB")
    picture.thumbnail((max_px, max_px))
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=90)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def vision_messages(image: Image.Image, question: str) -> list[dict[str, Any]]:
    return [
        {
            "role": "user",
            "content": [
                {"type": "image_url", "image_url": {"url": image_data_uri(image)}},
                {"type": "text", "text": f"{question}\nAnswer briefly."},
            ],
        }
    ]


class LlamaCppVisionVQA:
    def __init__(
        self,
        model_path: Path | str,
        projector: Path | str | None,
        *,
        handler: str = "llava15",
        threads: int = 2,
        n_ctx: int = 4096,
        name: str = "",
        max_tokens: int = 48,
    ) -> None:
        if projector is None:
            raise MissingModelError(
                "A llama.cpp vision model needs its projector (mmproj) file.",
                hint="Set models.vqa.options.projector to the .gguf projector path.",
            )
        if handler not in HANDLERS:
            raise MissingModelError(
                f"Unknown llama.cpp vision handler '{handler}'.",
                hint=f"Set models.vqa.options.handler to one of {', '.join(HANDLERS)}.",
            )
        self.model_path, self.projector, self.handler = model_path, projector, handler
        self.threads, self.n_ctx, self.max_tokens = threads, n_ctx, max_tokens
        self.name = name or Path(model_path).name
        self._llama: Any = None

    def load(self) -> None:
        if self._llama is None:
            from llama_cpp import Llama, llama_chat_format

            chat_handler = getattr(llama_chat_format, HANDLERS[self.handler])(
                clip_model_path=str(self.projector), verbose=False
            )
            self._llama = Llama(
                model_path=str(self.model_path),
                chat_handler=chat_handler,
                n_ctx=self.n_ctx,
                n_threads=self.threads,
                verbose=False,
            )

    def answer(self, image: Image.Image, question: str) -> str:
        self.load()
        result = self._llama.create_chat_completion(
            messages=vision_messages(image, question),
            max_tokens=self.max_tokens,
            temperature=0.0,
        )
        return str(result["choices"][0]["message"]["content"] or "").strip()

    def caption(self, image: Image.Image) -> str:
        return self.answer(image, "Describe this picture in one sentence.")
