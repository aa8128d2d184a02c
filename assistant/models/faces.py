"""Faces: dlib's HOG detector, 5-point landmarks and 128-d ResNet encoder.

The weights ship in the `face_recognition_models` package (dlib_face_recognition_resnet_
model_v1.dat, shape_predictor_5_face_landmarks.dat). Its `__init__` imports pkg_resources,
which current setuptools lacks, so the files are found with importlib without importing
it (models/packaged.py `package_dir`). dlib itself comes from the `dlib-bin` wheel.

Encodings are dlib's raw 128-d descriptors: dlib calibrated them so that the Euclidean
distance between two faces of one person is below about 0.6 (we calibrate our own
threshold, enrich/faces.py). Nothing is loaded until the first picture.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from assistant.errors import MissingModelError
from assistant.models.packaged import package_dir

PACKAGE = "face_recognition_models"
ENCODER_FILE = "dlib_face_recognition_resnet_model_v1.dat"
LANDMARKS_FILE = "shape_predictor_5_face_landmarks.dat"
INSTALL_HINT = (
    "Install the face models: pip install dlib-bin face_recognition_models "
    "(or turn faces off with ingest.faces: false)."
)


@dataclass(frozen=True)
class DetectedFace:
    # Pixel box in the picture given: left, top, right, bottom.
    box: tuple[int, int, int, int]
    # HOG detector confidence (higher is surer; about 0 at the detector's own threshold).
    score: float
    # 5 landmarks (eye corners, nose), (5, 2) x/y pixels; used to align the encoding.
    landmarks: np.ndarray
    # 128-d float32 descriptor (Euclidean distance is the measure).
    encoding: np.ndarray


@runtime_checkable
class FaceModel(Protocol):
    """Faces in one RGB picture (uint8, H x W x 3)."""

    name: str

    def detect(self, rgb: np.ndarray, upsample: int = 1) -> list[DetectedFace]: ...


def packaged_face_files() -> Path | None:
    """The folder holding the two .dat files, or None when the packages are missing."""
    root = package_dir(PACKAGE)
    if root is None:
        return None
    folder = root / "models"
    if not (folder / ENCODER_FILE).is_file() or not (folder / LANDMARKS_FILE).is_file():
        return None
    try:
        import importlib.util

        if importlib.util.find_spec("dlib") is None:
            return None
    except (ImportError, ValueError):
        return None
    return folder


class DlibFaceModel:
    name = "dlib HOG + ResNet face encoder (face_recognition_models 0.3.0)"

    def __init__(self, folder: Path | None = None, jitters: int = 0) -> None:
        self.folder = folder
        # Re-sampling a face several times improves an encoding a little at k x the cost.
        self.jitters = jitters
        self._parts: tuple[Any, Any, Any] | None = None
        # dlib's network keeps per-call state: one picture at a time per model.
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        """Picklable for worker processes: each process loads its own copy lazily."""
        return {"folder": self.folder, "jitters": self.jitters}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["folder"], state["jitters"])  # type: ignore[misc]

    def load(self) -> tuple[Any, Any, Any]:
        if self._parts is None:
            folder = self.folder or packaged_face_files()
            if folder is None:
                raise MissingModelError("No face models are installed.", hint=INSTALL_HINT)
            import dlib

            self._parts = (
                dlib.get_frontal_face_detector(),
                dlib.shape_predictor(str(folder / LANDMARKS_FILE)),
                dlib.face_recognition_model_v1(str(folder / ENCODER_FILE)),
            )
        return self._parts

    def detect(self, rgb: np.ndarray, upsample: int = 1) -> list[DetectedFace]:
        with self._lock:
            detector, landmarks, encoder = self.load()
            image = np.ascontiguousarray(rgb, dtype=np.uint8)
            rects, scores, _ = detector.run(image, upsample, 0.0)
            found = []
            for rect, score in zip(rects, scores, strict=True):
                shape = landmarks(image, rect)
                descriptor = encoder.compute_face_descriptor(image, shape, self.jitters)
                points = np.array([[p.x, p.y] for p in shape.parts()], dtype=np.float32)
                found.append(
                    DetectedFace(
                        box=_clip_box(rect, image.shape[1], image.shape[0]),
                        score=float(score),
                        landmarks=points,
                        encoding=np.asarray(descriptor, dtype=np.float32),
                    )
                )
            return found


def _clip_box(rect: Any, width: int, height: int) -> tuple[int, int, int, int]:
    return (
        max(0, int(rect.left())),
        max(0, int(rect.top())),
        min(width, int(rect.right())),
        min(height, int(rect.bottom())),
    )
