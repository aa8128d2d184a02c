"""The base of the model adapters (in the spirit of immich's InferenceModel): building one
costs nothing; `load()` loads the weights once, on first use, even when several threads
ask at once; name, device and threads come from settings (models.device, models.threads,
passed in by provider.py), never hard-coded in an adapter.

A subclass implements `_load()` (import the library, build the model, return it) and its
family's Protocol methods (encode_images, transcribe, answer, ...: the predictions), which
reach the loaded model through `self.model`.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

Loaded = TypeVar("Loaded")


class InferenceModel(Generic[Loaded]):
    def __init__(self, *, name: str, threads: int = 2, device: str = "cpu") -> None:
        self.name = name
        self.threads = threads
        self.device = device
        self._loaded: Loaded | None = None
        self._load_lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._loaded is not None

    def load(self) -> None:
        """Load the weights now, once (idempotent and thread-safe)."""
        if self._loaded is not None:
            return
        with self._load_lock:
            if self._loaded is None:
                self._loaded = self._load()

    @property
    def model(self) -> Loaded:
        """The loaded model (loading it first)."""
        self.load()
        assert self._loaded is not None
        return self._loaded

    def _load(self) -> Loaded:
        raise NotImplementedError

    def _torch_threads(self) -> None:
        """torch's intra-op threads for this model (process-wide in torch)."""
        import torch

        torch.set_num_threads(self.threads)
