"""`assistant search "text" [--image F] [--audio F] [--filter key=value ...] [--k N] [--json]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from assistant.errors import AssistantError
from assistant.retrieval.spoken import mmss
from assistant.schemas import Clip, Filters, SearchQuery

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
        "preview": data["preview"], "page": data["page"]
    }


def clips_table(clips: list[Clip]) -> Table:
    table = Table(show_lines=False)
    # File, score and time stay on one line (people copy them); text columns wrap.
    for column in ("#", "score", "file", "time"):
        table.add_column(column, no_wrap=True)
    table.add_column("snippet", ratio=3, overflow="fold")
    table.add_column("why", ratio=2, overflow="fold")
    for n, clip in enumerate(clips, 1):
        when = ""
        if clip.start_s is not None and clip.end_s is not None:
            when = f"{mmss(clip.start_s)}–{mmss(clip.end_s)}"
        if clip.page is not None and clip.kind == "document":
            when = f"p. {clip.page}"
        snippet = clip.snippet if len(clip.snippet) <= 120 else clip.snippet[:119] + "…"
        table.add_row(str(n), f"{clip.score:.2f}", clip.file, when, snippet, "; ".join(clip.why))
    return table


def register(app: typer.Typer) -> None:
    @app.command("search")
    def search(
        ctx: typer.Context,
        text: Annotated[str, typer.Argument(
            help="What to look for (may be empty with --image, --audio or --filter).")] = "",
        image: Annotated[Path | None, typer.Option(help="Find this picture, or copies.")] = None,
        audio: Annotated[Path | None, typer.Option(help="Find where this was said.")] = None,
        filters: Annotated[list[str] | None, typer.Option(
            "--filter", help="key=value: kind, date_from, date_to, place, people, topics, "
            "source, tempo_min, tempo_max, mode, key. Repeatable.")] = None,
        k: Annotated[int, typer.Option(help="How many clips.", min=1, max=200)] = 10,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Search the archive by text, picture or spoken excerpt."""
        from assistant.archive import Archive
        from assistant.retrieval.engine import SearchEngine

        query = SearchQuery(text=text, image=image, audio=audio,
                            filters=parse_filters(filters or []), k=k)
        archive = Archive.open(ctx.obj.settings())
        try:
            outcome = SearchEngine(archive).run(query)
        finally:
            archive.close()
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
        Console().print(clips_table(outcome.clips))
