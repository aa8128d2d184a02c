"""CLIP adapter plumbing with a tiny random-weight model loaded from a checkpoint on disk,
through the same code path as real weights (and through the registry's explicit path).
Checks shapes and normalisation only: random weights say nothing about quality."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assistant.config import load_settings
from assistant.models.provider import ModelProvider
from tests.helpers.tiny_clip import TINY_ARCH, register_tiny_config, save_random_checkpoint

pytestmark = pytest.mark.slow

PHOTO = Path("/usr/share/doc/opencv-doc/examples/data/messi5.jpg")


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-clip")
    register_tiny_config(folder)
    return save_random_checkpoint(folder, TINY_ARCH)


def test_clip_from_explicit_path_encodes_real_photo_and_text(
    checkpoint: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_MODELS__CLIP__PATH", str(checkpoint))
    monkeypatch.setenv("ASSISTANT_MODELS__CLIP__ARCH", TINY_ARCH)
    provider = ModelProvider(load_settings("test").models)
    assert provider.registry.locate("clip").source == "path"
    encoder = provider.clip()
    images = encoder.encode_images([Image.open(PHOTO), Image.open(PHOTO).convert("L")])
    texts = encoder.encode_texts(["a football player", "a street at night", "fruit"])
    assert images.shape == (2, 32) and texts.shape == (3, 32)
    assert images.dtype == np.float32
    assert np.allclose(np.linalg.norm(images, axis=1), 1.0, atol=1e-5)
    assert np.allclose(np.linalg.norm(texts, axis=1), 1.0, atol=1e-5)
    # Same checkpoint, same input → same vector (weights really came from the file).
    again = ModelProvider(load_settings("test").models).clip()
    assert np.allclose(again.encode_texts(["fruit"]), texts[2:3], atol=1e-6)


def test_empty_batches_have_the_right_width(checkpoint: Path) -> None:
    from assistant.models.clip import OpenClipEncoder

    encoder = OpenClipEncoder(TINY_ARCH, checkpoint, threads=1)
    assert encoder.encode_images([]).shape == (0, 32)
    assert encoder.encode_texts([]).shape == (0, 32)
