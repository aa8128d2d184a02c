"""Faces at ingest: the run's one face model, asked for on the first picture (a run with
no pictures never loads dlib), and said once when it is missing."""

from __future__ import annotations

import threading
from collections.abc import Callable

from assistant.config import IngestSettings
from assistant.models.faces import INSTALL_HINT, FaceModel
from assistant.models.provider import ModelProvider

FACES_OFF = "ingest-faces-off"


class RunFaces:
    """Callable: the face model for this run, or None (faces are then skipped)."""

    def __init__(self, models: ModelProvider, warn: Callable[[str], object]) -> None:
        self.models, self.warn = models, warn
        self._lock = threading.Lock()
        self._checked = False
        self._model: FaceModel | None = None

    def __call__(self) -> FaceModel | None:
        with self._lock:
            if not self._checked:
                self._checked = True
                self._model = self.models.faces()
                if self._model is None:
                    self.warn(
                        "Faces are off: ingest.faces is on but the face models are "
                        f"not installed. {INSTALL_HINT}"
                    )
            return self._model


def run_faces(
    settings: IngestSettings, models: ModelProvider, warn: Callable[[str], object]
) -> RunFaces | None:
    """None when the profile switches faces off (ingest.faces: false)."""
    return RunFaces(models, warn) if settings.faces else None
