"""The chat agent as its callers (eval, MCP, the app, the HTTP API) use it
(assistant.agent.session.ChatSession); fakes implement the same."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Protocol

from assistant.agent.events import AgentEvent
from assistant.schemas import Answer, Filters

# The events of one turn; closing it (a browser gone) stops the turn's work.
EventStream = Generator[AgentEvent, None, None]


class AnswersQuestions(Protocol):
    # `uploads`: files by query modality name (retrieval/modalities.py): image=Path(...).
    def ask(
        self, question: str, filters: Filters | None = None, **uploads: Path | str | None
    ) -> Answer: ...


class StreamsAnswers(AnswersQuestions, Protocol):
    def ask_stream(
        self, question: str, filters: Filters | None = None, **uploads: Path | str | None
    ) -> EventStream: ...
