"""`assistant ingest | search | ask | serve | eval | models | metadata | people | doctor`.

Settings are built here (the entry point) and passed down. User-fixable errors
(AssistantError) are printed without a traceback and exit with status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from rich.console import Console

from assistant.config import Settings, load_settings
from assistant.errors import AssistantError

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)

err = Console(stderr=True)


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


def _register_commands(argv: list[str] | None = None) -> None:
    from assistant.caches import own_caches

    # This module is the entry point: caches go under ours before any command module can
    # import librosa/numba, torch or Hugging Face (they read these variables on import).
    own_caches()
    from assistant.command_rooms import rooms_for

    # Only a real `assistant ...` run is narrowed to the invoked command's room (a cold
    # `assistant search` no longer imports every room); importing this module (tests, the
    # CliRunner, other tools) registers every command.
    entry = Path(sys.argv[0]).name if sys.argv else ""
    narrowed = argv if argv is not None else (sys.argv[1:] if _is_entry(entry) else [])
    for register in rooms_for(invoked_command(narrowed) if narrowed else None):
        register(app)


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
