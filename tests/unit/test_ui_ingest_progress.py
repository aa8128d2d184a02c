"""The Archive tab's live ingest progress: a real ingest reports files done of total, the
files being worked on and each stage to ProgressSnapshot; the tab's handler redraws the
panel while the ingest runs, then shows the report."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from assistant.config import ServeSettings
from assistant.ingest.pipeline import ingest_folder
from assistant.ui.access import Access
from assistant.ui.archive_tab import ArchiveHandler
from assistant.ui.ingest_progress import ProgressSnapshot, progress_html

NOTES = {
    "ferry.md": "The ferry strike ended on Tuesday after talks at the harbour office.",
    "flood.md": "Heavy flooding closed the river road near the old stone bridge.",
    "budget.md": "The council approved the budget for the new library on Monday.",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "incoming"
    root.mkdir()
    for name, text in NOTES.items():
        (root / name).write_text(text)
    return root


class Recording(ProgressSnapshot):
    def __init__(self) -> None:
        super().__init__()
        self.announced: list[list[str]] = []

    def working_on(self, names: list[str], done: int, total: int) -> None:
        self.announced.append(names)
        super().working_on(names, done, total)


def test_a_real_ingest_reports_files_the_current_batch_and_stages(
    archive: Any, folder: Path
) -> None:
    sink = Recording()
    ingest_folder(archive, folder, progress=sink)
    state = sink.snapshot()
    assert (state.done, state.total) == (3, 3)
    assert sorted(name for batch in sink.announced for name in batch) == sorted(NOTES)
    assert state.working_on == []  # every announced file finished
    assert state.last_finished in NOTES
    # embedding and storing run once per batch of files, not once per file
    assert state.stages["embed"] >= 1 and state.stages["store"] == state.stages["embed"]
    html = progress_html(state)
    assert "3 of 3 files done" in html and "Embedding for search: " in html


def test_the_tab_redraws_progress_while_the_ingest_runs(archive: Any, folder: Path) -> None:
    reached, release = threading.Event(), threading.Event()

    def held_ingest(archive: Any, root: Path, progress: Any) -> Any:
        """The real ingest, held after its first file until the test has looked."""

        class Held:
            def update(self, stage: str, done: float, total: float, message: str = "") -> None:
                progress.update(stage, done, total, message)
                if stage == "files" and done == 1:
                    reached.set()
                    release.wait(30)

            def working_on(self, names: list[str], done: int, total: int) -> None:
                progress.working_on(names, done, total)

            def notice(self, message: str) -> None:
                progress.notice(message)

        return ingest_folder(archive, root, progress=Held())

    access = Access(ServeSettings(password="pw", ingest_roots=[folder.parent]))
    handler = ArchiveHandler(archive, held_ingest, lambda _: [], lambda: None, access)
    views = handler.ingest(str(folder), user="archive")
    panel, _ = next(views)
    assert 'id="aa-ingest-progress"' in panel
    assert reached.wait(30)
    panel, _ = next(views)  # the next redraw shows the held state
    assert "1 of 3 files done" in panel and "Now: <b>" in panel
    release.set()
    *_, (report, counts) = list(views)
    assert "Ingested" in report and "No failures" in report
    assert "document" in counts
