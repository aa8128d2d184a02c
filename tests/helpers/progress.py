"""A progress sink for tests that keeps what an ingest run says to it."""

from __future__ import annotations

from assistant.progress import NullProgress


class RecordingSink(NullProgress):
    """Keeps the run's notices, in order, and the names of the stages it updated."""

    def __init__(self) -> None:
        self.notices: list[str] = []
        self.stages: set[str] = set()

    def update(self, stage: str, done: float, total: float, message: str = "") -> None:
        self.stages.add(stage)

    def notice(self, message: str) -> None:
        self.notices.append(message)
