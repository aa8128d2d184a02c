"""The chat view's streaming logic over a stand-in session: tool steps, streamed tokens,
the authoritative final answer, abstentions and user errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from assistant.agent.events import AgentEvent
from assistant.errors import AssistantError
from assistant.schemas import (
    Answer,
    Citation,
    Filters,
    IngestFailure,
    IngestReport,
    ToolCall,
)
from assistant.ui.archive_tab import models_html, report_html
from assistant.ui.chat_tab import ChatHandler
from tests.helpers.builders import clip_of
from tests.helpers.fake_links import FakeLinks

CLIP = clip_of("a/news.mp3", "audio", 5.0, 9.0, root="/arch", asset_id="b" * 16, snippet="wildfire")


class _Session:
    def __init__(self, answer: Answer | None, fail: AssistantError | None = None) -> None:
        self.answer = answer
        self.fail = fail
        self.calls: list[tuple[str, dict[str, Path | str | None]]] = []

    def ask(
        self, question: str, filters: Filters | None = None, **uploads: Path | str | None
    ) -> Answer:
        events = list(self.ask_stream(question, filters, **uploads))
        assert events[-1].answer is not None
        return events[-1].answer

    def ask_stream(
        self, question: str, filters: Filters | None = None, **uploads: Path | str | None
    ) -> Iterator[AgentEvent]:
        self.calls.append((question, uploads))
        call = ToolCall(tool="search_archive", arguments={"query": question})
        yield AgentEvent(type="tool_started", tool_call=call)
        summary = "(rule: search the question) Found 1 clip(s):\n[1] a/news.mp3"
        done = call.model_copy(update={"summary": summary, "seconds": 0.2})
        yield AgentEvent(type="tool_finished", tool_call=done)
        if self.fail:
            raise self.fail
        yield AgentEvent(type="token", text="A wildfire [1]")
        yield AgentEvent(type="token", text=" [2].")
        yield AgentEvent(type="answer", answer=self.answer)


def _run(session: _Session, message: Any) -> list[tuple[Any, ...]]:
    handler = ChatHandler(lambda: session, FakeLinks(serve_files=False), max_upload_mb=5)  # type: ignore[arg-type]
    return list(handler.ask(message, [], None))


def test_stream_shows_steps_then_tokens_then_grounded_answer() -> None:
    answer = Answer(
        question="fire?",
        text="A wildfire forced families out [1].",
        citations=[Citation(n=1, clip=CLIP)],
    )
    frames = _run(_Session(answer), {"text": "fire?", "files": []})
    shown, _, _, history, _ = frames[-1]
    step = shown[1]
    assert step["metadata"]["title"] == "Tool: search_archive"
    assert step["metadata"]["status"] == "done" and step["metadata"]["log"] == "Found 1 clip(s)"
    assert "a/news.mp3" in step["content"]
    streamed = [frame[0][-1]["content"] for frame in frames[:-1]]
    assert "A wildfire [1] [2]." in streamed  # tokens as they came
    # the final text replaces the stream: [2] was dropped by grounding
    assert shown[-1]["content"] == "A wildfire forced families out [[1]](#clip-1-1)."
    assert 'id="clip-1-1"' in frames[-1][1] and "#t=5.00,9.00" in frames[-1][1]
    assert history == shown
    assert shown[0] == {"role": "user", "content": "fire?"}


def test_abstention_is_labelled_and_shows_nearest() -> None:
    answer = Answer(
        question="unicorns?",
        text="The archive does not contain an answer.",
        abstained=True,
        nearest=[CLIP],
    )
    shown, evidence, *_ = _run(_Session(answer), {"text": "unicorns?", "files": []})[-1]
    assert shown[-1]["content"].startswith("**Not in the archive.**")
    assert "nearest" in evidence and "do not answer" in evidence


def test_agent_error_is_shown_in_the_chat_not_lost() -> None:
    error = AssistantError("The language model is missing.", hint="Run `assistant doctor`.")
    shown, *_ = _run(_Session(None, fail=error), {"text": "q", "files": []})[-1]
    assert "The language model is missing." in shown[-1]["content"]
    assert "assistant doctor" in shown[-1]["content"]


def test_empty_message_and_bad_upload_are_refused(tmp_path: Path) -> None:
    with pytest.raises(gr.Error, match="Type a question"):
        _run(_Session(None), {"text": "  ", "files": []})
    fake = tmp_path / "x.jpg"
    fake.write_text("text " * 50)
    with pytest.raises(gr.Error, match=r"Cannot use x\.jpg"):
        _run(_Session(None), {"text": "what?", "files": [str(fake)]})


def test_report_lists_failures_with_reasons() -> None:
    from datetime import UTC, datetime

    report = IngestReport(
        root="/arch",
        started_at=datetime.now(UTC),
        seconds=3.2,
        counts_by_kind={"image": 2},
        counts_by_status={"failed": 1},
        failures=[IngestFailure(path="broken/<x>.jpg", reason="empty file")],
    )
    html = report_html(report)
    assert "1 files failed" in html and "empty file" in html and "&lt;x&gt;" in html


def test_model_status_says_how_to_fix_missing() -> None:
    html = models_html(
        [
            {
                "role": "clip",
                "name": "CLIP",
                "source": "missing",
                "ready": False,
                "detail": "not found",
                "fix": "set ASSISTANT_MODELS__CLIP__PATH",
            },
            {
                "role": "vqa",
                "name": "none",
                "source": "disabled",
                "ready": False,
                "detail": "off",
                "fix": None,
            },
        ]
    )
    assert "missing" in html and "ASSISTANT_MODELS__CLIP__PATH" in html and "aa-off" in html


def test_second_turn_keeps_earlier_clips_reachable() -> None:
    answer = Answer(
        question="fire?",
        text="A wildfire forced families out [1].",
        citations=[Citation(n=1, clip=CLIP)],
    )
    session = _Session(answer)
    handler = ChatHandler(lambda: session, FakeLinks(serve_files=False), max_upload_mb=5)  # type: ignore[arg-type]
    first = list(handler.ask({"text": "fire?", "files": []}, [], None))[-1]
    second = list(handler.ask({"text": "again?", "files": []}, first[3], first[4]))[-1]
    shown, evidence, _, history, state = second
    assert shown[-1]["content"].endswith("[[1]](#clip-2-1).")
    assert 'id="clip-2-1"' in evidence and 'id="clip-1-1"' in evidence
    assert evidence.index("clip-2-1") < evidence.index("Clips of earlier answers")
    assert len(session.calls) == 2 and state.session is session
    assert [m["content"] for m in history if m["role"] == "user"] == ["fire?", "again?"]
