"""The terminal progress view shows counts a person can read."""

from __future__ import annotations

import io

from rich.console import Console

from assistant.ingest.progress_view import RichProgress


def test_known_totals_show_n_of_m_and_open_counters_show_just_the_count() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, force_terminal=False)
    with RichProgress(console) as view:
        view.update("files", 3, 8, "photos/messi5.jpg")
        view.update("media minutes", 2.5, 0)
        view.notice("Visual search is off")
    text = buffer.getvalue()
    assert "3/8" in text and "photos/messi5.jpg" in text
    assert "2.5" in text and "/?" not in text
    assert "Visual search is off" in text
