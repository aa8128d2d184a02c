"""One model context, one generation at a time: a first-come-first-served queue.

A llama.cpp context is not safe to share between threads, and the app, the HTTP API and
the MCP server all ask from their own threads. A plain lock taken inside a streaming
generator breaks under Gradio: each `next()` of a generator may run on a different worker
thread, and `close()` may come from yet another, so the lock is released by a thread that
does not own it ("cannot release un-acquired lock") and stays held for ever.

So here a stream runs in a worker thread of its own, which takes its turn, drives the
model, and gives the turn back itself, always in that same thread. The consumer only reads
pieces from a queue; closing it (from any thread), an error on either side, or a cancel of
the request's `QueueWatch` makes the worker stop at the next piece and hand the turn on.
"""

from __future__ import annotations

import contextvars
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from assistant.errors import AssistantError
from assistant.models.base import TokenStream

# How often a waiting request re-checks for a cancel, and how often `ahead` is refreshed.
_POLL_S = 0.1
# Waits kept for the figures in `snapshot()` (a rolling window, not all history).
_KEPT_WAITS = 1000


@dataclass
class QueueWatch:
    """One request's view of the queue, shared with whoever shows it (the app).

    `ahead` is how many requests are in front while this one waits (None when it is not
    waiting); set `cancel` to give up: waiting stops, a running generation stops at its
    next piece. The agent need not pass this around: `watching(watch)` puts it in a
    context variable that the queue reads, also from the stream's worker thread.
    """

    ahead: int | None = None
    waited_s: float = 0.0
    cancel: threading.Event = field(default_factory=threading.Event)


_WATCH: contextvars.ContextVar[QueueWatch | None] = contextvars.ContextVar(
    "generation_queue_watch", default=None
)


@contextmanager
def watching(watch: QueueWatch) -> Iterator[QueueWatch]:
    """Within this block (and threads started with a copy of its context) the queue
    reports this request's position to `watch` and honours its cancel."""
    token = _WATCH.set(watch)
    try:
        yield watch
    finally:
        _WATCH.reset(token)


class Cancelled(AssistantError):
    def __init__(self) -> None:
        super().__init__("The request was cancelled before the model answered.", hint="Ask again.")


class GenerationQueue:
    """A fair (FIFO) lock owned by one thread at a time, with its position visible."""

    def __init__(self, max_wait_s: float | None = None) -> None:
        self.max_wait_s = max_wait_s
        self._cond = threading.Condition(threading.Lock())
        self._waiting: deque[object] = deque()
        self._owner: int | None = None  # thread id holding the turn
        self._waits: deque[float] = deque(maxlen=_KEPT_WAITS)
        self._served = 0

    # --- the turn -----------------------------------------------------------------------
    @contextmanager
    def turn(self, stop: threading.Event | None = None) -> Iterator[None]:
        """Wait for the turn, hold it for the block, give it back, all in this thread.
        Waiting ends with `Cancelled` when `stop` or the request's watch is cancelled."""
        self._acquire(_WATCH.get(), stop)
        try:
            yield
        finally:
            self._release()

    def _acquire(self, watch: QueueWatch | None, stop: threading.Event | None) -> None:
        me = object()
        began = time.monotonic()
        with self._cond:
            if self._owner == threading.get_ident():
                raise RuntimeError("this thread already holds the model; it would wait for itself")
            self._waiting.append(me)
            try:
                while self._owner is not None or self._waiting[0] is not me:
                    if watch is not None:
                        watch.ahead = self._waiting.index(me) + (self._owner is not None)
                    if (stop is not None and stop.is_set()) or (
                        watch is not None and watch.cancel.is_set()
                    ):
                        raise Cancelled()
                    waited = time.monotonic() - began
                    if self.max_wait_s is not None and waited > self.max_wait_s:
                        raise AssistantError(
                            f"The model is busy: still {self._waiting.index(me) + 1} "
                            f"request(s) ahead after {waited:.0f} s.",
                            hint="Try again in a minute, or raise models.llm options max_wait_s.",
                        )
                    self._cond.wait(_POLL_S)
            except BaseException:
                self._waiting.remove(me)
                self._cond.notify_all()
                if watch is not None:
                    watch.ahead = None
                raise
            self._waiting.popleft()
            self._owner = threading.get_ident()
            waited = time.monotonic() - began
            self._waits.append(waited)
            self._served += 1
        if watch is not None:
            watch.ahead = None
            watch.waited_s += waited

    def _release(self) -> None:
        with self._cond:
            if self._owner != threading.get_ident():
                raise RuntimeError("the model turn was released by a thread that does not hold it")
            self._owner = None
            self._cond.notify_all()

    # --- streaming ----------------------------------------------------------------------
    def stream(self, produce: Callable[[], TokenStream]) -> TokenStream:
        """Pieces of `produce()`, run in a worker thread that holds the turn throughout.

        Nothing is queued until the first piece is asked for. Close the returned
        generator from any thread (or let it be collected) and the worker stops at the
        next piece and gives the turn back; an error in `produce` is raised here.
        """
        pieces: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        stop = threading.Event()
        watch = _WATCH.get()

        def stopped() -> bool:
            return stop.is_set() or (watch is not None and watch.cancel.is_set())

        def work() -> None:
            try:
                with self.turn(stop):
                    produced = produce()
                    try:
                        for piece in produced:
                            if stopped():
                                break
                            pieces.put(("piece", piece))
                    finally:  # the model's own stream ends in the thread that ran it
                        produced.close()
            except BaseException as exc:  # handed to the consumer, raised there
                pieces.put(("error", exc))
            finally:
                pieces.put(("end", None))

        worker = threading.Thread(
            target=contextvars.copy_context().run, args=(work,), name="llm-generation", daemon=True
        )
        worker.start()
        try:
            while True:
                kind, value = pieces.get()
                if kind == "piece":
                    yield value
                elif kind == "error":
                    if isinstance(value, Cancelled) and stop.is_set():
                        return
                    raise value
                else:
                    return
        finally:
            stop.set()

    # --- what the app shows -------------------------------------------------------------
    @property
    def waiting(self) -> int:
        with self._cond:
            return len(self._waiting)

    @property
    def busy(self) -> bool:
        with self._cond:
            return self._owner is not None

    def snapshot(self) -> dict[str, float | int | bool]:
        """Figures for a status line or a benchmark: busy, waiting, served, waits."""
        with self._cond:
            waits = sorted(self._waits)
            busy, waiting, served = self._owner is not None, len(self._waiting), self._served
        return {
            "busy": busy,
            "waiting": waiting,
            "served": served,
            "wait_p50_s": round(_quantile(waits, 0.5), 3),
            "wait_p95_s": round(_quantile(waits, 0.95), 3),
            "wait_max_s": round(waits[-1], 3) if waits else 0.0,
        }


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]
