"""A ProgressSink for the terminal: one rich bar per stage (files, media minutes, visual
vectors ...), and notices (e.g. "visual search is off") printed once, above the bars."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


class CountColumn(ProgressColumn):
    """'12/40' where the total is known, a plain '12' for open-ended counters (media
    minutes, keyframes) instead of rich's '12/?'."""

    def render(self, task: Task) -> Text:
        done = f"{task.completed:g}"
        return Text(f"{done}/{task.total:g}" if task.total else done, style="progress.download")


class RichProgress:
    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            CountColumn(),
            TextColumn("{task.fields[message]}", style="dim"),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RichProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def update(self, stage: str, done: float, total: float, message: str = "") -> None:
        """total 0 means unknown (a counter without a bar end, e.g. media minutes)."""
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total or None, message="")
        self.progress.update(
            self.tasks[stage], completed=done, total=total or None, message=message[-50:]
        )

    def notice(self, message: str) -> None:
        self.progress.console.print(f"[yellow]{message}[/]")

    def working_on(self, names: list[str], done: int, total: int) -> None:
        return None  # the files bar already names each file as it finishes
