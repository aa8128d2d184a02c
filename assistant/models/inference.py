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
from pathlib import Path
from typing import Generic, TypedDict, TypeVar

Loaded = TypeVar("Loaded")


class Runtime(TypedDict, total=False):
    """How an adapter runs (from settings): its shown name, CPU threads and device. An
    adapter with options of its own takes these as `**runtime: Unpack[Runtime]`."""

    name: str
    threads: int
    device: str


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


class FolderModel(InferenceModel[Loaded]):
    """An adapter whose weights are one folder, named after it unless given a name."""

    def __init__(
        self, folder: Path | str, *, name: str = "", threads: int = 2, device: str = "cpu"
    ) -> None:
        super().__init__(name=name or Path(folder).name, threads=threads, device=device)
        self.folder = folder
