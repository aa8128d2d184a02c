"""`assistant export subtitles FILE --format srt|vtt [-o PATH]`, `assistant export clip FILE
--start S --end E -o OUT`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.command_rooms import command_group

export_app, register = command_group("export", "Export subtitles and clips of ingested files.")


@export_app.command("subtitles")
def subtitles_cmd(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="An ingested audio/video file (path or id).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="srt or vtt.")] = "vtt",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
    ] = None,
) -> None:
    """Speaker-labelled subtitles: SRT `[Voice 2] ...`, WebVTT `<v Voice 2>...`."""
    from assistant.archive import Archive
    from assistant.export.subtitles import subtitles

    with Archive.open(ctx.obj.settings()) as archive:
        text = subtitles(archive.catalog, file, fmt.lower())  # type: ignore[arg-type]
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


@export_app.command("clip")
def clip_cmd(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="An ingested video/audio file (path or id).")],
    start: Annotated[float, typer.Option(help="Start, in seconds.", min=0)],
    end: Annotated[float, typer.Option(help="End, in seconds.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The clip to write (.mp4, .m4a, .mp3, …).")
    ],
) -> None:
    """Cut a clip with ffmpeg, with a provenance sidecar beside it (OUTPUT.json)."""
    from assistant.archive import Archive
    from assistant.export.clip import export_clip

    with Archive.open(ctx.obj.settings()) as archive:
        provenance = export_clip(archive.catalog, file, start, end, output)
    typer.echo(f"wrote {output} ({provenance.timecode}) and {output}.json", err=True)
    typer.echo(provenance.citation)
