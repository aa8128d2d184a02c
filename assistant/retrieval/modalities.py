"""The query modalities: every kind of upload a query can carry, declared once.

The engine, the `search`/`ask` commands, the app, the MCP server, the agent's tools and
planner, and the evaluation suites all iterate over MODALITIES instead of naming one.
A modality's `name` is its key everywhere: `SearchQuery.media[name]`, the `--<name>`
option, the keyword of `ask(..., <name>=path)`, the agent's and MCP's
`search_by_<name>` tool, and an evaluation case's `query_<name>` field.

Text is not listed: it is the base of every query (SearchQuery.text), run by the engine
itself, and a modality may reuse its signals (audio runs them over its transcript).
To add a modality: a module with its ranking `(QueryRun, Path) -> {signal: hits}`, its
`is_<name>` recogniser and its QueryModality; one entry below; a test; docs/internals.md.
"""

from __future__ import annotations

from pathlib import Path

from assistant.errors import AssistantError
from assistant.retrieval.audio_query import AUDIO
from assistant.retrieval.image_query import IMAGE
from assistant.retrieval.query_modality import QueryModality

# In this order an upload is searched first, listed, and given its app control.
MODALITIES: tuple[QueryModality, ...] = (IMAGE, AUDIO)

NAMES: tuple[str, ...] = tuple(m.name for m in MODALITIES)


def modality(name: str) -> QueryModality:
    """The modality called `name`, or an AssistantError listing the known ones."""
    for known in MODALITIES:
        if known.name == name:
            return known
    raise AssistantError(
        f"'{name}' is not a kind of query upload.",
        hint=f"Upload one of: {', '.join(NAMES)}.",
    )


def by_tool(tool: str) -> QueryModality | None:
    """The modality whose search_by_<name> tool this is, if any."""
    return next((m for m in MODALITIES if m.tool == tool), None)


def recognise(path: Path) -> QueryModality | None:
    """The modality an upload is, by content; None when it is none of them."""
    return next((m for m in MODALITIES if m.recognise(path)), None)


def ordered(media: dict[str, Path]) -> list[tuple[QueryModality, Path]]:
    """A query's uploads in registry order (unknown names raise)."""
    for name in media:
        modality(name)
    return [(m, media[m.name]) for m in MODALITIES if m.name in media]
