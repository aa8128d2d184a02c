"""Supervised ingest workers (parent side). Each file's extraction runs in a worker
process; a worker that dies (a native crash, the OOM killer, kill -9) or overruns the
file's time limit is replaced, the file is tried once more in the fresh worker, and if it
fails again it alone is recorded as failed, with a reason a person understands. The
parent keeps the only catalog and vector writer.

Workers come from a `forkserver` context: forked from a small clean server process (not
from this one, whose threads and native libraries must not be forked), cheaply, with the
ingest modules preloaded. They die with this process (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

from assistant.caches import forget_numba_cache
from assistant.errors import AssistantError
from assistant.ingest.extract import Extracted
from assistant.ingest.jobs import FileTask
from assistant.ingest.workers import PARENT_ROLES, WorkerSpec, worker_main

# Who did the work of a stage, for failure reasons ("the music analyser crashed ...").
STAGE_NAMES = {
    "decode": "the media decoder",
    "transcribe": "the speech recogniser",
    "music": "the music analyser",
    "ocr": "the text reader (OCR)",
    "caption": "the captioner",
    "visual": "the picture analyser",
    "embed visual": "the picture encoder",
}
# Stages whose native code is numba-compiled: a crash there may be a corrupt JIT cache.
JIT_STAGES = {"music"}
# Imported once in the fork server, so each worker starts with them loaded (imagehash
# pulls in scipy: seconds per worker otherwise). Native model runtimes are left out: they
# load in the worker that needs them.
PRELOAD = [
    "assistant.ingest.workers",
    "imagehash",
    "scipy.fftpack",
    "av",
    "assistant.media.documents",
]
# A worker may take this long to start before its first file's clock runs.
START_GRACE_S = 120.0
# Events for the run: (kind, payload): ("stage_done", (name, seconds)), ("warn", message).
EventSink = Callable[[str, Any], None]


def no_events(kind: str, payload: Any) -> None:
    """The EventSink of a pool started for a run whose events go elsewhere (each run
    sets the pool's `events` to its own sink)."""


def who(stage: str | None) -> str:
    if stage is None:
        return "the file's analysis"
    return STAGE_NAMES.get(stage, f"the {stage} analyser")


def picklable_overrides(overrides: dict[str, Any]) -> dict[str, Any]:
    """Model overrides a worker can receive: fakes and None (role off). A loaded model
    that cannot be pickled is left out: the worker builds that role from settings."""
    kept: dict[str, Any] = {}
    for role, value in overrides.items():
        if role in PARENT_ROLES:
            continue
        try:
            pickle.dumps(value)
        except Exception:
            continue
        kept[role] = value
    return kept


@dataclass
class _Attempt:
    task: FileTask
    tries: int
    sent_at: float
    deadline: float
    started_at: float | None = None
    stage: str | None = None
    duration_s: float | None = None


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    """Start workers without re-running the caller's main script in them: multiprocessing
    re-imports `__main__` in every child, which runs a script without a `__name__` guard
    again (another ingest) and slows every start. The worker needs only our modules."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved: dict[str, Any] = {
        name: main.__dict__[name] for name in ("__file__", "__spec__") if name in main.__dict__
    }
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


class _Worker:
    def __init__(self, context: Any, spec: WorkerSpec) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=worker_main, args=(child, spec), daemon=True, name="ingest-worker"
        )
        with _main_hidden():
            self.process.start()
        child.close()
        self.attempt: _Attempt | None = None

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.process.join(timeout=5 if not kill else 30)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=30)
        self.conn.close()


class Supervisor:
    """`run(tasks)` -> for each task, its Extracted or the reason it failed (in order)."""

    media_batch = 1  # videos and sounds go to one worker at a time (their frames batch)

    def __init__(self, spec: WorkerSpec, size: int, events: EventSink) -> None:
        self.spec, self.size = spec, max(1, size)
        self.started_for = (spec, size)
        self.events: EventSink = events
        self.limits = spec.settings.ingest
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(PRELOAD)
        self.workers = [_Worker(self.context, spec) for _ in range(self.size)]
        # key -> why its first try failed (said again if the second try works)
        self._first_failure: dict[int, str] = {}

    def close(self) -> None:
        for worker in self.workers:
            worker.stop(kill=worker.attempt is not None)
        self.workers = []

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- one batch --------------------------------------------------------------------
    def run(self, tasks: list[FileTask]) -> list[Extracted | str]:
        pending: deque[tuple[FileTask, int]] = deque((task, 1) for task in tasks)
        results: dict[int, Extracted | str] = {}
        while len(results) < len(tasks):
            self._dispatch(pending)
            self._wait_and_handle(pending, results)
        for task in tasks:  # keys restart with the next run
            self._first_failure.pop(task.key, None)
        return [results[task.key] for task in tasks]

    def _dispatch(self, pending: deque[tuple[FileTask, int]]) -> None:
        for worker in self.workers:
            if worker.attempt is None and pending:
                task, tries = pending.popleft()
                now = time.monotonic()
                worker.attempt = _Attempt(task, tries, now, now + START_GRACE_S)
                worker.conn.send(task)

    def _wait_and_handle(
        self, pending: deque[tuple[FileTask, int]], results: dict[int, Extracted | str]
    ) -> None:
        busy = [w for w in self.workers if w.attempt is not None]
        deadline = min(w.attempt.deadline for w in busy if w.attempt is not None)
        timeout = max(0.0, deadline - time.monotonic())
        ready = set(
            wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=timeout)
        )
        for worker in busy:
            if worker.conn in ready:
                self._read(worker, results)
            if worker.attempt is None:
                continue
            if worker.process.sentinel in ready and not self._drain(worker, results):
                self._lost(worker, pending, results, self._death_reason(worker))
            elif worker.attempt is not None and time.monotonic() >= worker.attempt.deadline:
                self._lost(worker, pending, results, self._timeout_reason(worker.attempt))

    def _drain(self, worker: _Worker, results: dict[int, Extracted | str]) -> bool:
        """Read what a dead worker still said; True when its file was answered."""
        self._read(worker, results)
        return worker.attempt is None

    def _read(self, worker: _Worker, results: dict[int, Extracted | str]) -> None:
        try:
            while worker.attempt is not None and worker.conn.poll():
                self._handle(worker, worker.conn.recv(), results)
        except (EOFError, OSError):
            pass  # the worker is gone; its sentinel says so

    def _handle(
        self, worker: _Worker, message: tuple[Any, ...], results: dict[int, Extracted | str]
    ) -> None:
        attempt = worker.attempt
        assert attempt is not None
        kind = message[0]
        if kind == "warn":
            self.events("warn", message[1])
        elif message[1] != attempt.task.key:
            return  # a late word about an earlier file
        elif kind == "start":
            attempt.started_at = time.monotonic()
            attempt.deadline = attempt.started_at + self.limits.limit_s
        elif kind == "duration":
            attempt.duration_s = float(message[2])
            assert attempt.started_at is not None
            attempt.deadline = (
                attempt.started_at
                + self.limits.limit_s
                + self.limits.limit_per_media_s * attempt.duration_s
            )
        elif kind == "stage":
            attempt.stage = message[2]
        elif kind == "stage_done":
            self.events("stage_done", (message[2], message[3]))
        elif kind in ("done", "failed"):
            self._answer(worker, results, message[2])
        elif kind == "oom":
            self._answer(worker, results, self._memory_reason(attempt))
            worker.stop(kill=True)
            self._replace(worker)
        elif kind == "fatal":
            worker.attempt = None
            raise AssistantError(message[2], hint=message[3])

    def _answer(
        self, worker: _Worker, results: dict[int, Extracted | str], result: Extracted | str
    ) -> None:
        attempt = worker.attempt
        assert attempt is not None
        worker.attempt = None
        first = self._first_failure.get(attempt.task.key)
        if first and isinstance(result, Extracted):
            self.events(
                "warn",
                f"{attempt.task.asset.rel_path}: {first} on the first try; the second try worked",
            )
        results[attempt.task.key] = result

    def _lost(
        self,
        worker: _Worker,
        pending: deque[tuple[FileTask, int]],
        results: dict[int, Extracted | str],
        reason: str,
    ) -> None:
        """The worker died or overran: replace it; retry the file once."""
        attempt = worker.attempt
        assert attempt is not None
        worker.attempt = None
        worker.stop(kill=True)
        self._replace(worker)
        if attempt.stage in JIT_STAGES and "crashed" in reason:
            forget_numba_cache()  # rebuilt by the retry
        if attempt.tries == 1:
            self._first_failure[attempt.task.key] = reason
            pending.appendleft((attempt.task, 2))
        else:
            results[attempt.task.key] = f"{reason}; it was retried once"

    def _replace(self, worker: _Worker) -> None:
        index = self.workers.index(worker)
        self.workers[index] = _Worker(self.context, self.spec)

    # --- reasons ------------------------------------------------------------------------
    def _death_reason(self, worker: _Worker) -> str:
        worker.process.join(timeout=5)
        code = worker.process.exitcode
        attempt = worker.attempt
        assert attempt is not None
        doer = who(attempt.stage)
        if code is not None and code < 0:
            if -code == 9:
                return (
                    f"{doer} was killed (signal 9: out of memory, or stopped from "
                    "outside) on this file"
                )
            return f"{doer} crashed (signal {-code}) on this file"
        return f"{doer} stopped unexpectedly (exit status {code}) on this file"

    def _timeout_reason(self, attempt: _Attempt) -> str:
        started = attempt.started_at or attempt.sent_at
        limit = attempt.deadline - started
        return (
            f"{who(attempt.stage)} did not finish within {limit:.0f} s on this file "
            "(ingest.limit_s, plus ingest.limit_per_media_s per second of media)"
        )

    def _memory_reason(self, attempt: _Attempt) -> str:
        return (
            f"{who(attempt.stage)} ran out of memory on this file (ingest.worker_memory_mb "
            f"is {self.limits.worker_memory_mb})"
        )
