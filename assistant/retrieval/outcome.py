"""What a search returns, and the engine as its callers (agent, eval, MCP, UI) use it.

Kept apart from engine.py so callers can name the interface without importing the
engine's signals and models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from assistant.schemas import Clip, SearchQuery


@dataclass
class SearchOutcome:
    clips: list[Clip]
    notices: list[str] = field(default_factory=list)
    # Query transcript for audio queries (shown to the user, used by the agent).
    transcript: str = ""
    timings: dict[str, float] = field(default_factory=dict)


class SearchesClips(Protocol):
    """The retrieval engine (assistant.retrieval.engine.SearchEngine) as callers use it:
    `search` for the clips alone, `run` for the clips with notices, transcript, timings."""

    def search(self, query: SearchQuery) -> list[Clip]: ...

    def run(self, query: SearchQuery) -> SearchOutcome: ...
