"""The run report: counts by kind and status, failures with reasons, segments created,
seconds per stage. Stages run in worker threads too, so the tally is locked."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime

from assistant.schemas import IngestFailure, IngestReport

# Outcomes of one file in one run.
STATUSES = (
    "indexed",
    "skipped",
    "moved",
    "duplicate",
    "failed",
    "unsupported",
    "missing",
    "restored",
)


@contextmanager
def timed(record: Callable[[float], None]) -> Iterator[None]:
    """Time the block: `record(seconds)` when it ends, also when it raises."""
    start = time.perf_counter()
    try:
        yield
    finally:
        record(time.perf_counter() - start)


def counts_text(counts: dict[str, int]) -> str:
    """Counts by name, in name order: "3 video, 1 audio"."""
    return ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))


class ReportBuilder:
    def __init__(self, root: str, run_id: int | None = None) -> None:
        self._lock = threading.Lock()
        self._started = time.perf_counter()
        self.report = IngestReport(run_id=run_id, root=root, started_at=datetime.now(UTC))
        # Unrounded, so rounding once at the end keeps stage times <= the total.
        self._stage_seconds: dict[str, float] = {}

    def stage(self, name: str) -> AbstractContextManager[None]:
        """Time a stage; concurrent stages each count their own wall time."""
        return timed(functools.partial(self.add_seconds, name))

    def add_seconds(self, stage: str, seconds: float) -> None:
        with self._lock:
            self._stage_seconds[stage] = self._stage_seconds.get(stage, 0.0) + seconds

    def outcome(self, status: str, kind: str | None = None) -> None:
        assert status in STATUSES, status
        with self._lock:
            counts = self.report.counts_by_status
            counts[status] = counts.get(status, 0) + 1
            if kind:
                self.report.counts_by_kind[kind] = self.report.counts_by_kind.get(kind, 0) + 1

    def failure(self, path: str, reason: str) -> None:
        with self._lock:
            known = {(f.path, f.reason) for f in self.report.failures}
            if (path, reason) not in known:
                self.report.failures.append(IngestFailure(path=path, reason=reason))

    def warn(self, message: str) -> bool:
        """Add a warning to the run's report; True when this run had not said it yet."""
        with self._lock:
            if message in self.report.warnings:
                return False
            self.report.warnings.append(message)
            return True

    def created(self, segments: int, media_seconds: float) -> None:
        with self._lock:
            self.report.segments_created += segments
            self.report.media_seconds = round(self.report.media_seconds + media_seconds, 3)

    def finish(self) -> IngestReport:
        with self._lock:
            self.report.seconds = round(time.perf_counter() - self._started, 3)
            self.report.seconds_by_stage = {
                stage: round(seconds, 3) for stage, seconds in self._stage_seconds.items()
            }
        return self.report


def summary_lines(report: IngestReport) -> list[str]:
    """A human summary of a run, for the CLI and logs."""
    statuses = counts_text(report.counts_by_status)
    kinds = counts_text(report.counts_by_kind)
    lines = [
        f"Ingested {report.root} in {report.seconds:.1f}s: {statuses or 'no files'}.",
        f"By kind: {kinds or '-'}; {report.segments_created} segments created; "
        f"{report.media_seconds / 60:.1f} media minutes processed.",
    ]
    if report.seconds_by_stage:
        stages = ", ".join(f"{k} {v:.1f}s" for k, v in sorted(report.seconds_by_stage.items()))
        lines.append(f"Time by stage: {stages}.")
    lines += [f"warning: {w}" for w in report.warnings]
    lines += [f"failed: {f.path}: {f.reason}" for f in report.failures]
    return lines
