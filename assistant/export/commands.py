"""`assistant export subtitles FILE --format srt|vtt [-o PATH]`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

export_app = typer.Typer(no_args_is_help=True, help="Export subtitles of ingested files.")


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")


@export_app.command("subtitles")
def subtitles_cmd(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="An ingested audio/video file (path or id).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="srt or vtt.")] = "vtt",
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write here (default: stdout).")] = None,
) -> None:
    """Speaker-labelled subtitles: SRT `[Voice 2] ...`, WebVTT `<v Voice 2>...`."""
    from assistant.archive import Archive
    from assistant.export.subtitles import subtitles

    archive = Archive.open(ctx.obj.settings())
    try:
        text = subtitles(archive, file, fmt.lower())  # type: ignore[arg-type]
    finally:
        archive.close()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)
