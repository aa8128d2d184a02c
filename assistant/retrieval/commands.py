"""`assistant search "text" [--image F] [--audio F] [--filter key=value ...] [--k N] [--json]`
(one `--<name>` option per query modality, retrieval/modalities.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from assistant.cli_options import AsJson
from assistant.errors import AssistantError
from assistant.retrieval.media_options import FilterOption, with_media_options
from assistant.retrieval.modalities import NAMES
from assistant.schemas import Clip, Filters, SearchQuery
from assistant.vocabulary.timefmt import full_span

JSON_FIELDS = ("file", "asset_id", "kind", "start_s", "end_s", "score", "snippet", "why")


def parse_filters(pairs: list[str]) -> Filters:
    """`key=value` pairs (repeatable; lists comma-separated) -> validated Filters."""
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise AssistantError(
                f"Bad filter '{pair}'.",
                hint="Write filters as key=value, e.g. date_from=2019-01-01.",
            )
        values[key.strip()] = value.strip()
    return Filters.parse(values)


def clip_json(clip: Clip) -> dict[str, Any]:
    data = clip.model_dump(mode="json")
    return {name: data[name] for name in JSON_FIELDS} | {
        "preview": data["preview"],
        "page": data["page"],
    }


_UPLOADS = ", ".join(f"--{name}" for name in NAMES)

# Below this many columns a table squeezes snippets to a few letters: print blocks instead.
WIDE_CONSOLE = 120


def clip_when(clip: Clip) -> str:
    if clip.page is not None and clip.kind == "document":
        return f"p. {clip.page}"
    if clip.start_s is not None and clip.end_s is not None:
        return full_span(clip.start_s, clip.end_s)
    return ""


def render_clips(clips: list[Clip], width: int) -> RenderableType:
    """A table on a wide console; on a narrow one, a block per clip: its file, score and
    time on one line (people copy them), then the snippet and why, wrapped to the width."""
    if width >= WIDE_CONSOLE:
        return clips_table(clips)
    blocks: list[RenderableType] = []
    for n, clip in enumerate(clips, 1):
        head = Text(f"{n:>2}. ", style="bold")
        head.append(f"{clip.score:.2f}  ", style="cyan")
        head.append(clip.file, style="bold")
        if when := clip_when(clip):
            head.append(f"  {when}")
        body = Text(clip.snippet, overflow="fold")
        why = Text("; ".join(clip.why), style="dim", overflow="fold")
        blocks.append(Group(head, Padding(Group(body, why), (0, 0, 1, 4))))
    return Group(*blocks)


def clips_table(clips: list[Clip]) -> Table:
    table = Table(show_lines=False)
    # File, score and time stay on one line (people copy them); text columns wrap.
    for column in ("#", "score", "file", "time"):
        table.add_column(column, no_wrap=True)
    table.add_column("snippet", ratio=3, overflow="fold")
    table.add_column("why", ratio=2, overflow="fold")
    for n, clip in enumerate(clips, 1):
        snippet = clip.snippet if len(clip.snippet) <= 120 else clip.snippet[:119] + "…"
        table.add_row(
            str(n), f"{clip.score:.2f}", clip.file, clip_when(clip), snippet, "; ".join(clip.why)
        )
    return table


def register(app: typer.Typer) -> None:
    @app.command("search")
    @with_media_options(lambda modality: modality.option_help)
    def search(
        ctx: typer.Context,
        text: Annotated[
            str,
            typer.Argument(help=f"What to look for (may be empty with {_UPLOADS} or --filter)."),
        ] = "",
        *,
        media: dict[str, Path],
        filters: FilterOption = None,
        k: Annotated[int, typer.Option(help="How many clips.", min=1, max=200)] = 10,
        as_json: AsJson = False,
    ) -> None:
        """Search the archive by text, picture or spoken excerpt."""
        from assistant.archive import Archive
        from assistant.retrieval.engine import search_engine

        query = SearchQuery(text=text, media=media, filters=parse_filters(filters or []), k=k)
        with Archive.open(ctx.obj.settings()) as archive:
            outcome = search_engine(archive).run(query)
        err = Console(stderr=True)
        for notice in outcome.notices:
            err.print(f"[yellow]note:[/] {notice}")
        if as_json:
            sys.stdout.write(json.dumps([clip_json(c) for c in outcome.clips], indent=2) + "\n")
            return
        if outcome.transcript:
            err.print(f"heard: “{outcome.transcript}”")
        if not outcome.clips:
            Console().print("No matching clips.")
            return
        console = Console()
        console.print(render_clips(outcome.clips, console.width))
