"""The llama.cpp vision adapter: configuration errors and the message it sends.
No vision GGUF exists on the build machines, so the model itself is a recording fake."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from assistant.config import ModelSpec, ModelsSettings
from assistant.errors import MissingModelError
from assistant.models.provider import ModelProvider
from assistant.models.vqa_llama import LlamaCppVisionVQA

PHOTO = Path("/usr/share/doc/opencv-doc/examples/data/fruits.jpg")


class RecordingLlama:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def create_chat_completion(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {"choices": [{"message": {"content": " apples and oranges "}}]}


def _provider(tmp_path: Path, **options: Any) -> ModelProvider:
    model = tmp_path / "vision.gguf"
    model.write_bytes(b"gguf")
    none = ModelSpec(backend="none")
    vqa = ModelSpec(backend="llama-cpp-vision", path=model, options=options)
    return ModelProvider(
        ModelsSettings(clip=none, text=none, asr=none, llm=none, vqa=vqa, cache_dir=tmp_path)
    )


def test_answer_sends_the_picture_as_a_jpeg_data_uri_and_the_question(tmp_path: Path) -> None:
    vqa = _provider(tmp_path, projector=str(tmp_path / "mmproj.gguf")).vqa()
    assert isinstance(vqa, LlamaCppVisionVQA)
    fake = RecordingLlama()
    vqa._llama = fake  # the fake stands in for the loaded model
    assert vqa.answer(Image.open(PHOTO), "What fruit is shown?") == "apples and oranges"
    content = fake.calls[0]["messages"][0]["content"]
    uri = content[0]["image_url"]["url"]
    assert uri.startswith("data:image/jpeg;base64,")
    picture = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert max(picture.size) <= 768
    assert "What fruit is shown?" in content[1]["text"]


def test_missing_projector_and_unknown_handler_say_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(MissingModelError, match="projector"):
        _provider(tmp_path).vqa()
    with pytest.raises(MissingModelError, match="llava15"):
        _provider(tmp_path, projector="p.gguf", handler="nope").vqa()
