"""`assistant ingest PATH [--json]`: ingest a folder with progress bars and a summary, or
print the run report as JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest(
        ctx: typer.Context,
        path: Annotated[Path, typer.Argument(help="The archive folder to ingest.")],
        as_json: Annotated[
            bool,
            typer.Option(
                "--json", help="Print the run report as JSON (progress still goes to stderr)."
            ),
        ] = False,
        wait: Annotated[
            bool,
            typer.Option(
                "--wait",
                help="If another ingest is writing to the same data dir, wait for it "
                "instead of refusing.",
            ),
        ] = False,
        ray: Annotated[
            str | None,
            typer.Option(
                "--ray",
                metavar="auto|ADDRESS",
                help="Fan the files out to ingest actors on a Ray cluster ('auto': the "
                "cluster this machine joined; or HEAD:PORT). This process still writes "
                "the catalog; progress shows files per node.",
            ),
        ] = None,
    ) -> None:
        """Ingest every photo, video, audio file and document under PATH (incremental:
        unchanged files are skipped, moved files are noticed, a crashed run resumes)."""
        from assistant.archive import Archive
        from assistant.ingest.pipeline import ingest_folder
        from assistant.ingest.progress_view import RichProgress
        from assistant.ingest.report import summary_lines

        settings = ctx.obj.settings()
        if ray:
            settings.ingest.ray = ray
        with Archive.open(settings) as archive, RichProgress(Console(stderr=True)) as progress:
            report = ingest_folder(archive, path, progress, wait=wait)
        if as_json:
            sys.stdout.write(report.model_dump_json(indent=2) + "\n")
            return
        out = Console()
        for line in summary_lines(report):
            style = (
                "red"
                if line.startswith("failed")
                else ("yellow" if line.startswith("warning") else "")
            )
            out.print(f"[{style}]{escape(line)}[/]" if style else escape(line))
