"""Faces at ingest: the run's one face model, asked for on the first picture (a run with
no pictures never loads dlib), and said once when it is missing."""

from __future__ import annotations

import threading
from collections.abc import Callable

from assistant.archive import Archive
from assistant.models.faces import INSTALL_HINT, FaceModel

FACES_OFF = "ingest-faces-off"


class RunFaces:
    """Callable: the face model for this run, or None (faces are then skipped)."""

    def __init__(self, archive: Archive, warn: Callable[[str], object]) -> None:
        self.archive, self.warn = archive, warn
        self._lock = threading.Lock()
        self._checked = False
        self._model: FaceModel | None = None

    def __call__(self) -> FaceModel | None:
        with self._lock:
            if not self._checked:
                self._checked = True
                self._model = self.archive.models.faces()
                if self._model is None:
                    self.warn(
                        "Faces are off: ingest.faces is on but the face models are "
                        f"not installed. {INSTALL_HINT}"
                    )
            return self._model


def run_faces(archive: Archive, warn: Callable[[str], object]) -> RunFaces | None:
    """None when the profile switches faces off (ingest.faces: false)."""
    return RunFaces(archive, warn) if archive.settings.ingest.faces else None
