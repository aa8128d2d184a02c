"""Stand-ins for tests and demos, injected through the same doors as the real things:
`Archive.open(settings, model_overrides={"llm": ScriptedLLM([...])})` and
`ChatSession(archive, FixedEngine(clips))`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.models.base import ChatRequest, Message, TokenStream
from assistant.retrieval.outcome import SearchOutcome
from assistant.schemas import Clip, SearchQuery

Reply = str | Callable[[list[Message], dict[str, Any] | None], str]


class ScriptedLLM:
    """Replies from a script, in order; a reply may be a function of (messages, schema).

    Records every call so tests can check what the model was shown. When the script runs
    out, the last reply repeats.
    """

    name = "scripted"

    def __init__(self, replies: list[Reply], chunk_chars: int = 4) -> None:
        self.replies = list(replies)
        self.chunk_chars = chunk_chars
        self.calls: list[dict[str, Any]] = []

    def complete(self, request: ChatRequest) -> str:
        self.calls.append({"messages": request.messages, "json_schema": request.json_schema})
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return reply(request.messages, request.json_schema) if callable(reply) else reply

    def stream(self, request: ChatRequest) -> TokenStream:
        text = self.complete(request)
        for start in range(0, len(text), self.chunk_chars):
            yield text[start : start + self.chunk_chars]


class FixedEngine:
    """A search engine that returns the same clips for every query (at most k) and
    records the queries it was asked."""

    def __init__(self, clips: list[Clip]) -> None:
        self.clips = clips
        self.queries: list[SearchQuery] = []

    def search(self, query: SearchQuery) -> list[Clip]:
        self.queries.append(query)
        return self.clips[: query.k]

    def run(self, query: SearchQuery) -> SearchOutcome:
        return SearchOutcome(clips=self.search(query))
