"""Every room's CLI commands, in one list (ROOMS): each entry is a function that adds a
room's commands (the room's `register(app)`), marked with the top-level names it adds
(`@_room(...)`, so the names stand beside the room). cli.py registers them in the order
they are written here, which is also the order `assistant --help` lists them in.

Each room's module is imported inside its entry, plainly: a run of one command imports
only that command's room (a cold `assistant search` does not load enrich, export, scipy).
"""

from __future__ import annotations

from collections.abc import Callable

import typer

Register = Callable[[typer.Typer], None]


def command_group(name: str, help: str) -> tuple[typer.Typer, Register]:
    """A room's group of sub-commands (`assistant NAME ...`) and the `register(app)` that
    adds it under NAME: a room whose commands all sit in one group makes it here."""
    group = typer.Typer(no_args_is_help=True, help=help)

    def register(app: typer.Typer) -> None:
        app.add_typer(group, name=name)

    return group, register


# (the top-level names a room adds, its register function), in the order written below.
ROOMS: list[tuple[tuple[str, ...], Register]] = []


def _room(*names: str) -> Callable[[Register], Register]:
    """Lists the decorated function as the room that adds the top-level commands `names`."""

    def listed(register: Register) -> Register:
        ROOMS.append((names, register))
        return register

    return listed


@_room("models", "doctor")
def _models(app: typer.Typer) -> None:
    from assistant.models.commands import register

    register(app)


@_room("metadata")
def _metadata(app: typer.Typer) -> None:
    from assistant.enrich.commands import register

    register(app)


@_room("search")
def _search(app: typer.Typer) -> None:
    from assistant.retrieval.commands import register

    register(app)


@_room("ask")
def _ask(app: typer.Typer) -> None:
    from assistant.agent.commands import register

    register(app)


@_room("eval")
def _eval(app: typer.Typer) -> None:
    from assistant.evaluation.commands import register

    register(app)


@_room("ingest")
def _ingest(app: typer.Typer) -> None:
    from assistant.ingest.commands import register

    register(app)


@_room("serve")
def _serve(app: typer.Typer) -> None:
    from assistant.ui.commands import register

    register(app)


@_room("mcp")
def _mcp(app: typer.Typer) -> None:
    from assistant.mcp_server.commands import register

    register(app)


@_room("index")
def _index(app: typer.Typer) -> None:
    from assistant.store.commands import register

    register(app)


@_room("people")
def _people(app: typer.Typer) -> None:
    from assistant.enrich.people_commands import register

    register(app)


@_room("reembed")
def _reembed(app: typer.Typer) -> None:
    from assistant.store.reembed_command import register

    register(app)


@_room("voices")
def _voices(app: typer.Typer) -> None:
    from assistant.enrich.voice_commands import register

    register(app)


@_room("export")
def _export(app: typer.Typer) -> None:
    from assistant.export.commands import register

    register(app)


def rooms_for(command: str | None) -> list[Register]:
    """The room that adds `command`; every room for None or a name no room lists (so
    --help and a misspelt command see all of them)."""
    chosen = [register for names, register in ROOMS if command in names]
    return chosen or [register for _, register in ROOMS]
