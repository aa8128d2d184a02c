"""Inside an ingest worker process: load the run's media models lazily (once per worker),
run the job on each file the supervisor sends, and report back over one pipe.

Messages to the parent (tuples): ("start", key), ("stage", key, name),
("stage_done", key, name, seconds), ("duration", key, seconds), ("warn", message),
("done", key, Extracted), ("failed", key, reason), ("oom", key, stage), ("fatal", key,
message, hint). The parent sends a FileTask, or None to stop.
"""

from __future__ import annotations

import ctypes
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from assistant.archive import Archive
from assistant.caches import own_caches
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.ingest.extract import ExtractContext, ExtractError
from assistant.ingest.jobs import ExtractJob, FileTask, make_context
from assistant.ingest.models import IngestModels
from assistant.logs import configure_logging
from assistant.models.provider import ModelProvider
from assistant.progress import NullProgress

# Roles the parent keeps: CLIP and text embeddings run batched in the parent; the LLM is
# not an ingest model. Workers see them as absent.
PARENT_ROLES = ("clip", "text", "llm")
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class WorkerSpec:
    settings: Settings
    job: ExtractJob
    # Picklable model overrides (tests' fakes); other roles are built from settings.
    overrides: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_run(
        cls,
        archive: Archive,
        job: ExtractJob,
        sendable: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> WorkerSpec:
        """This run's spec: a copy of the settings (settings changed in place later must
        not go unnoticed by a kept pool), the job, and the overrides `sendable` passes."""
        return cls(archive.settings.model_copy(deep=True), job, sendable(archive.models.overrides))


class _Channel:
    """The pipe to the parent, shared by the job's threads."""

    def __init__(self, conn: Connection) -> None:
        self.conn, self._lock = conn, threading.Lock()
        self.key = -1

    def send(self, *message: Any) -> None:
        with self._lock:
            self.conn.send(message)

    def warn(self, message: str) -> bool:
        self.send("warn", message)
        return True  # the parent's report says whether the run had it (pipeline.py)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        key = self.key
        self.send("stage", key, name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.send("stage_done", key, name, time.perf_counter() - start)


@dataclass
class _Env:
    settings: Settings
    ctx: ExtractContext
    channel: _Channel

    def duration(self, seconds: float) -> None:
        self.channel.send("duration", self.channel.key, seconds)


def _die_with_parent() -> None:
    """SIGKILL this worker when its parent dies (a killed ingest leaves no orphans)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the closed pipe still ends the worker once its file is done


def _limit_memory(megabytes: int) -> None:
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def worker_models(spec: WorkerSpec, roles_elsewhere: tuple[str, ...]) -> ModelProvider:
    """The models a worker analyses with: none for the roles another process runs. A
    worker gets settings and models only, never the catalog or the index (only the one
    writer has them)."""
    overrides = {**dict.fromkeys(roles_elsewhere), **spec.overrides}
    return ModelProvider(spec.settings.models, overrides)


def _environment(spec: WorkerSpec, channel: _Channel, pool: ThreadPoolExecutor) -> _Env:
    provider = worker_models(spec, PARENT_ROLES)
    models = IngestModels(spec.settings, provider, channel, NullProgress(), load_clip=False)
    return _Env(spec.settings, make_context(models, pool, channel.stage), channel)


def worker_main(conn: Connection, spec: WorkerSpec) -> None:
    """The worker process's whole life: set limits, then serve files until told to stop."""
    _die_with_parent()
    own_caches()
    # A worker's library chatter (pypdf, torch warnings) goes to a log file, as the CLI's does.
    configure_logging(spec.settings.data_dir / "logs" / "ingest-workers.log", rotate=False)
    _limit_memory(spec.settings.ingest.worker_memory_mb)
    channel = _Channel(conn)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="worker") as pool:
        env = _environment(spec, channel, pool)
        while True:
            try:
                task = conn.recv()
            except (EOFError, OSError):
                return
            if task is None:
                return
            if not _serve(task, spec.job, env, channel):
                return


def _serve(task: FileTask, job: ExtractJob, env: _Env, channel: _Channel) -> bool:
    """Run one file; False when this worker must not take another (out of memory)."""
    channel.key = task.key
    channel.send("start", task.key)
    try:
        channel.send("done", task.key, job(task, env))
    except ExtractError as exc:
        channel.send("failed", task.key, str(exc))
    except OSError as exc:
        channel.send("failed", task.key, f"cannot read file: {exc.strerror or exc}")
    except MemoryError:
        channel.send("oom", task.key)
        return False
    except AssistantError as exc:
        channel.send("fatal", task.key, exc.message, exc.hint)
    except Exception as exc:
        channel.send(
            "failed",
            task.key,
            f"unexpected error while reading the file: {type(exc).__name__}: {exc}",
        )
    return True
