"""Progress reporting for long work, shown by the CLI (rich) and the UI (gr.Progress)."""

from __future__ import annotations

from typing import Protocol


class ProgressSink(Protocol):
    def update(self, stage: str, done: float, total: float, message: str = "") -> None:
        """`stage` names the step ("files", "transcribe", ...); done/total in its own units."""
        ...


class NullProgress:
    def update(self, stage: str, done: float, total: float, message: str = "") -> None:
        return None
