"""Run an answer's event stream beside the view, so the view can show the model queue.

While a chat waits for the model (another answer is being written), the agent's stream
yields nothing: the view would look frozen. Here the stream runs in a helper thread under
a `QueueWatch`, and the view gets a tick every `tick_s` while no event arrives, to show
"waiting: 2 ahead". Closing the view's generator (the browser left, the event was
cancelled) cancels the watch: the request leaves the queue or its generation stops.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Callable, Generator, Iterator
from typing import Any, TypeVar

from assistant.models.generation_queue import QueueWatch, watching

T = TypeVar("T")
TICK_S = 0.5


def with_ticks(
    start: Callable[[], Generator[T, None, None]], watch: QueueWatch, tick_s: float = TICK_S
) -> Iterator[T | None]:
    """The items of `start()` (called in the helper thread), and None as a tick whenever
    `tick_s` passes without one. Errors from the stream are raised here."""
    items: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()

    def pump() -> None:
        try:
            with watching(watch):
                stream = start()
                try:
                    for item in stream:
                        if watch.cancel.is_set():
                            break
                        items.put(("item", item))
                finally:
                    stream.close()
        except BaseException as exc:  # raised in the view's thread instead
            items.put(("error", exc))
        finally:
            items.put(("end", None))

    threading.Thread(
        target=contextvars.copy_context().run, args=(pump,), name="answer-stream", daemon=True
    ).start()
    try:
        while True:
            try:
                kind, value = items.get(timeout=tick_s)
            except queue.Empty:
                yield None
                continue
            if kind == "item":
                yield value
            elif kind == "error":
                raise value
            else:
                return
    finally:
        watch.cancel.set()


def waiting_text(ahead: int | None) -> str | None:
    """What the chat shows while its request waits for the model."""
    if not ahead:
        return None
    return f"⏳ Waiting for the model: {ahead} ahead"
