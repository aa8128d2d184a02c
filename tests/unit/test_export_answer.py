"""An answer exported as Markdown keeps its [n] markers and lists each source with its
file and timecode; an abstention lists the nearest clips as not answering."""

from __future__ import annotations

from assistant.export.answer import answer_markdown
from assistant.schemas import Answer, Citation, Clip
from tests.helpers.builders import clip_of


def _clip(
    file: str,
    kind: str,
    start: float | None = None,
    end: float | None = None,
    snippet: str = "",
    page: int | None = None,
) -> Clip:
    return clip_of(file, kind, start, end, asset_id="a", snippet=snippet, page=page)


def test_answer_with_sources_and_timecodes() -> None:
    answer = Answer(
        question="What did the commissioner say about energy prices?",
        text="Prices will rise sharply this winter [1], as the report notes [2].",
        citations=[
            Citation(
                n=1,
                clip=_clip(
                    "press/briefing.mp4", "video", 41.2, 57.6, "energy prices  will rise\nsharply"
                ),
            ),
            Citation(n=2, clip=_clip("docs/report.pdf", "document", page=3)),
        ],
        flagged=["Heating bills will double."],
    )
    text = answer_markdown(answer)
    assert text.startswith("## What did the commissioner say about energy prices?\n")
    assert "this winter [1], as the report notes [2]." in text
    assert "1. `press/briefing.mp4` (video, 00:41–00:58)" in text
    assert "   > energy prices will rise sharply" in text
    assert "2. `docs/report.pdf` (document, p. 3)" in text
    assert "*Not supported by the sources:* Heating bills will double." in text


def test_abstention_lists_nearest_as_not_answers() -> None:
    answer = Answer(
        question="Who won the 1970 cup?",
        text="Not in the archive.",
        abstained=True,
        nearest=[_clip("audio/sport.mp3", "audio", 3.0, 9.0)],
    )
    text = answer_markdown(answer)
    assert "Not in the archive." in text and "do not answer it" in text
    assert "- `audio/sport.mp3` (audio, 00:03–00:09)" in text and "Sources" not in text
