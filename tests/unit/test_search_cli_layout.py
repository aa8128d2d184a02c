"""The search results a journalist reads in a terminal: at 80 columns every snippet is
readable in full and no line runs past the edge; a wide terminal gets the table."""

from __future__ import annotations

import io

from rich.console import Console

from assistant.retrieval.commands import render_clips
from assistant.schemas import Clip
from tests.helpers.builders import clip_of

SNIPPET = (
    "The commissioner warned that energy prices will rise sharply this winter, "
    "and families should expect heating bills of around 340 euros a month."
)


def _clips() -> list[Clip]:
    return [
        clip_of(
            "press/2019/council_briefing_full_session.mp4",
            "video",
            8.0,
            16.5,
            asset_id="a1",
            score=0.91,
            snippet=SNIPPET,
            why=["words: energy, prices", "meaning"],
        ),
        clip_of(
            "docs/harbour_report.pdf",
            "document",
            asset_id="a2",
            page=2,
            score=0.4,
            snippet="Container volumes rose by twelve percent.",
        ),
    ]


def _render(width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(render_clips(_clips(), console.width))
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_narrow_terminal_wraps_snippets_in_full() -> None:
    text = _render(80)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert " ".join(" ".join(lines).split()).count("340 euros a month") == 1
    # The span contains the clip: its end (16.5 s) rounds up, as everywhere (vocabulary.timefmt).
    assert "press/2019/council_briefing_full_session.mp4  00:08–00:17" in text
    assert "docs/harbour_report.pdf  p. 2" in text
    assert "words: energy, prices; meaning" in text


def test_wide_terminal_gets_a_table() -> None:
    text = _render(200)
    assert "┃ snippet" in text and max(len(line) for line in text.splitlines()) <= 200
