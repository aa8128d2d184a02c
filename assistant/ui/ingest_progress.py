"""Live ingest progress for the Archive tab.

The ingest runs in a thread with a `ProgressSnapshot` as its progress sink; the tab's
event handler is a generator that redraws `progress_html(snapshot)` every half second
until the run ends. So the page shows files done of total, the file being worked on, and
each stage's count (decode, transcribe, OCR, embed, store ...) as the supervisor's
workers report them, rather than a spinner and a timer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape
from typing import Generic, TypeVar

T = TypeVar("T")
# Counters that are not stages of a file (shown apart, in their own units).
COUNTERS = {"media minutes": "media minutes"}
STAGE_LABELS = {
    "files": "Files",
    "decode": "Decoding media",
    "transcribe": "Transcribing speech",
    "music": "Analysing music",
    "ocr": "Reading text in pictures (OCR)",
    "caption": "Describing pictures",
    "visual": "Analysing pictures",
    "embed visual": "Encoding pictures",
    "embed": "Embedding for search",
    "store": "Storing",
}


@dataclass
class Snapshot:
    """What the run has reported so far (a copy, safe to read in another thread)."""

    done: int = 0
    total: int = 0
    working_on: list[str] = field(default_factory=list)
    last_finished: str = ""
    stages: dict[str, float] = field(default_factory=dict)  # stage -> count, in order seen
    latest_stage: str = ""
    notices: list[str] = field(default_factory=list)
    seconds: float = 0.0


class ProgressSnapshot:
    """A ProgressSink (assistant/progress.py) that only records; the UI reads `snapshot()`.
    The pipeline calls it from its own threads (the run, the store thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = Snapshot()
        self._began = time.monotonic()

    def update(self, stage: str, done: float, total: float, message: str = "") -> None:
        with self._lock:
            state = self._state
            if stage == "files":
                state.done, state.total = int(done), int(total or state.total)
                state.last_finished = message
                state.working_on = [name for name in state.working_on if name != message]
                return
            state.stages[stage] = done
            if stage not in COUNTERS:
                state.latest_stage = stage

    def working_on(self, names: list[str], done: int, total: int) -> None:
        """The files a batch is about to extract (called by the pipeline as it starts one)."""
        with self._lock:
            self._state.working_on = list(names)
            self._state.done, self._state.total = done, total

    def notice(self, message: str) -> None:
        with self._lock:
            if message not in self._state.notices:
                self._state.notices.append(message)

    def snapshot(self) -> Snapshot:
        with self._lock:
            state = self._state
            return Snapshot(
                done=state.done,
                total=state.total,
                working_on=list(state.working_on),
                last_finished=state.last_finished,
                stages=dict(state.stages),
                latest_stage=state.latest_stage,
                notices=list(state.notices),
                seconds=time.monotonic() - self._began,
            )


def _count(value: float) -> str:
    return f"{value:g}"


def progress_html(state: Snapshot) -> str:
    """The panel shown while an ingest runs."""
    if state.total:
        head = f"{state.done} of {state.total} files done"
        bar = f'<progress max="{state.total}" value="{state.done}"></progress>'
    else:
        head, bar = "Looking for files…", "<progress></progress>"
    parts = [
        f'<div id="aa-ingest-progress" class="aa-progress" data-done="{state.done}" '
        f'data-total="{state.total}">',
        f"<h3>Ingesting · {escape(head)} · {state.seconds:.0f} s</h3>",
        bar,
    ]
    if state.working_on:
        shown = ", ".join(state.working_on[:3])
        more = f" and {len(state.working_on) - 3} more" if len(state.working_on) > 3 else ""
        parts.append(f'<p class="aa-now">Now: <b>{escape(shown)}</b>{escape(more)}</p>')
    if state.last_finished:
        parts.append(f'<p class="aa-note">Last done: {escape(state.last_finished)}</p>')
    rows = []
    for stage, count in state.stages.items():
        label = STAGE_LABELS.get(stage, COUNTERS.get(stage, stage.capitalize()))
        unit = "" if stage in COUNTERS else " done"
        current = ' class="aa-current"' if stage == state.latest_stage else ""
        rows.append(f"<li{current}>{escape(label)}: {_count(count)}{unit}</li>")
    if rows:
        parts.append(f'<ul class="aa-stages">{"".join(rows)}</ul>')
    for notice in state.notices:
        parts.append(f'<p class="aa-missing">{escape(notice)}</p>')
    parts.append("</div>")
    return "".join(parts)


class Background(Generic[T]):
    """Run `work()` in a thread; `ticks(interval)` yields until it ends, `result()` then
    gives its value or raises its exception."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), daemon=True)
        self._thread.name = "app-ingest"
        self._thread.start()

    def _run(self, work: Callable[[], T]) -> None:
        try:
            self._value = work()
        except BaseException as exc:  # handed to the caller's thread by result()
            self._error = exc

    def ticks(self, interval_s: float) -> Iterator[None]:
        while self._thread.is_alive():
            yield None
            self._thread.join(interval_s)

    def result(self) -> T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]
