"""A query modality's declaration (the registry of them: retrieval/modalities.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant.retrieval.query_run import QueryRun
from assistant.schemas import Hit

Ranking = Callable[[QueryRun, Path], dict[str, list[Hit]]]


@dataclass(frozen=True)
class QueryModality:
    name: str  # the key everywhere (see the module docstring)
    noun: str  # in sentences: "the uploaded <noun>", "attach a <noun>"
    spaces: tuple[str, ...]  # the indexes it is compared in (docs, doctor)
    rank: Ranking  # the query's rankings, one per signal, calibrated to [0, 1]
    recognise: Callable[[Path], bool]  # is this upload one of these (by content)?
    option_help: str  # the `--<name>` option of `search` and `ask`
    tool_help: str  # the agent's and the MCP server's search_by_<name> description
    mcp_help: str  # the MCP server's search_by_<name> description (it takes a path)
    first_question: str  # what the planner's first step asks the model about the upload
    formats: str  # named in hints: "JPEG, PNG, ..."
    # The app: its upload control (a picture box, a recorder, or a plain file picker),
    # the control's label, and what the chat box accepts (Gradio file types).
    widget: Literal["image", "audio", "file"] = "file"
    app_label: str = ""
    accepts: tuple[str, ...] = ()

    @property
    def a_noun(self) -> str:
        """'an image', 'an audio clip'."""
        return f"{'an' if self.noun[0] in 'aeiou' else 'a'} {self.noun}"

    @property
    def tool(self) -> str:
        return f"search_by_{self.name}"

    @property
    def searched(self) -> str:
        """A tool result's headline."""
        return f"searched by the uploaded {self.name}"
