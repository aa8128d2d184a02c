"""The query modalities: every kind of upload a query can carry, declared once.

The engine, the `search`/`ask` commands, the app, the MCP server, the agent's tools and
planner, and the evaluation suites all iterate over MODALITIES instead of naming one.
A modality's `name` is its key everywhere: `SearchQuery.media[name]`, the `--<name>`
option, the keyword of `ask(..., <name>=path)`, the agent's and MCP's
`search_by_<name>` tool, and an evaluation case's `query_<name>` field.

Text is not listed: it is the base of every query (SearchQuery.text), run by the engine
itself, and a modality may reuse its signals (audio runs them over its transcript).
To add a modality: a module with its ranking `(QueryRun, Path) -> {signal: hits}` and
its `is_<name>` recogniser, one entry below, a test, and a line in docs/internals.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant.errors import AssistantError
from assistant.retrieval.audio_query import audio_rankings, is_audio
from assistant.retrieval.image_query import image_rankings, is_image
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


MODALITIES: tuple[QueryModality, ...] = (
    QueryModality(
        name="image",
        noun="image",
        spaces=("visual", "phash", "faces"),
        rank=image_rankings,
        recognise=is_image,
        option_help="Find this picture, or copies.",
        tool_help="Find photos and video moments that look like the image the user uploaded "
        "this turn (same scene, same person, near-duplicates). Use it whenever an image was "
        "uploaded. Takes no file argument: it uses the upload.",
        mcp_help="Find a picture on this machine (full path) in the archive: copies, crops, "
        "near-duplicates and video moments showing it.",
        first_question="Where does this picture, or one like it, appear in the archive? "
        "Name the file and cite it.",
        formats="JPEG, PNG, WebP, GIF, TIFF",
        widget="image",
        app_label="Photo: find it and near-copies",
        accepts=("image",),
    ),
    QueryModality(
        name="audio",
        noun="audio clip",
        spaces=("text", "sound"),
        rank=audio_rankings,
        recognise=is_audio,
        option_help="Find where this was said.",
        tool_help="Find where the audio clip the user uploaded this turn occurs in the "
        "archive's recordings and videos (the same speech or sound). Use it whenever an audio "
        "clip was uploaded. Takes no file argument: it uses the upload.",
        mcp_help="Find where a recorded excerpt (full path of an audio file on this machine) "
        "was said in the archive; `heard` is what the excerpt was transcribed as.",
        first_question="Where in the archive was this audio clip said or played? Name the "
        "file and time and cite it.",
        formats="WAV, MP3, FLAC, OGG, M4A",
        widget="audio",
        app_label="Audio: find where this was said",
        accepts=("audio",),
    ),
)

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
