"""Progress reporting for long work, shown by the CLI (rich) and the UI (gr.Progress)."""

from __future__ import annotations

from typing import Protocol


class ProgressSink(Protocol):
    def update(self, stage: str, done: float, total: float, message: str = "") -> None:
        """`stage` names the step ("files", "transcribe", ...); done/total in its own units."""
        ...

    def notice(self, message: str) -> None:
        """Something the user should see now, once (e.g. "visual search is off"); a sink
        with nowhere to show it drops it (the run report lists it as a warning too)."""
        ...

    def working_on(self, names: list[str], done: int, total: int) -> None:
        """The files (relative paths) a batch starts on, with files done of total so far;
        the app's live view shows them (ui/ingest_progress.py), a terminal need not."""
        ...


class NullProgress:
    def update(self, stage: str, done: float, total: float, message: str = "") -> None:
        return None

    def notice(self, message: str) -> None:
        return None

    def working_on(self, names: list[str], done: int, total: int) -> None:
        return None
