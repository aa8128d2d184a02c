"""Inside a Ray actor on an ingest node: load the run's media models lazily, once per actor
(one actor per node by default), run the ingest job seam on each file the driver sends,
embed what it found (text encoder and CLIP on the node, not on the driver), and hand the
result back. The driver keeps the only catalog and vector writer.

This module imports no Ray: `distributed.py` wraps `NodeIngest` with `ray.remote`, so the
class is also usable (and tested) as a plain object.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from assistant.caches import own_caches
from assistant.errors import AssistantError
from assistant.ingest.extract import Extracted, ExtractError
from assistant.ingest.jobs import FileTask, make_context
from assistant.ingest.models import IngestModels
from assistant.ingest.report import timed
from assistant.ingest.store import embed_batch
from assistant.ingest.workers import WorkerSpec, worker_models
from assistant.logs import configure_logging
from assistant.progress import NullProgress

# The LLM is not an ingest model; CLIP and the text encoder run here, on the node.
DRIVER_ROLES = ("llm",)


@dataclass
class Answer:
    """One file's outcome: Extracted (vectors inside), a reason it failed, or a fatal
    AssistantError (message, hint) that stops the run; plus what the node reported."""

    key: int
    result: Extracted | str | None
    fatal: tuple[str, str | None] | None = None
    stages: list[tuple[str, float]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _Recorder:
    """Collects one file's stage times and warnings (the job's threads share it)."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, float]] = []
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def stage(self, name: str) -> AbstractContextManager[None]:
        return timed(lambda seconds: self.stages.append((name, seconds)))

    def take(self) -> tuple[list[tuple[str, float]], list[str]]:
        stages, warnings = self.stages, self.warnings
        self.stages, self.warnings = [], []
        return stages, warnings


@dataclass
class _Env:
    settings: Any
    ctx: Any

    def duration(self, seconds: float) -> None:
        return None  # the driver bounds the file from its header before sending it


class NodeIngest:
    """One ingest actor: `run(task)` -> Answer. Models load on first use and stay."""

    def __init__(self, spec: WorkerSpec) -> None:
        own_caches()
        configure_logging(spec.settings.data_dir / "logs" / "ingest-workers.log", rotate=False)
        self.spec = spec
        self.recorder = _Recorder()
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ray-ingest")
        provider = worker_models(spec, DRIVER_ROLES)
        self.models = IngestModels(spec.settings, provider, self.recorder, NullProgress())  # type: ignore[arg-type]
        ctx = make_context(self.models, self.pool, self.recorder.stage)
        self.env = _Env(spec.settings, ctx)

    def ready(self) -> int:
        """The actor's process id, once its constructor has run (the driver waits for it)."""
        return os.getpid()

    def run(self, task: FileTask) -> Answer:
        result, fatal = self._extract(task)
        if isinstance(result, Extracted):
            try:
                with self.recorder.stage("embed"):
                    self._embed(result)
            except AssistantError as exc:
                result, fatal = None, (exc.message, exc.hint)
        stages, warnings = self.recorder.take()
        return Answer(task.key, result, fatal, stages, warnings)

    def _extract(self, task: FileTask) -> tuple[Extracted | str | None, Any]:
        try:
            return self.spec.job(task, self.env), None
        except ExtractError as exc:
            return str(exc), None
        except OSError as exc:
            return f"cannot read file: {exc.strerror or exc}", None
        except MemoryError:
            return "the file's analysis ran out of memory on this node", None
        except AssistantError as exc:
            return None, (exc.message, exc.hint)
        except Exception as exc:
            return f"unexpected error while reading the file: {type(exc).__name__}: {exc}", None

    def _embed(self, item: Extracted) -> None:
        """Vectors computed here travel in the Extracted; the driver embeds nothing twice."""
        batch = self.spec.settings.ingest.batch_size
        vectors = embed_batch([item], self.models.text, self.models.clip, batch)[0]
        item.text_vectors = vectors["text"]
        item.visual_vectors = vectors["visual"]
        if self.models.clip is not None:
            item.pictures = {}  # encoded: no need to ship the pixels back
