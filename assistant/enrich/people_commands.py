"""`assistant people list | name PERSON "Name" | merge KEEP OTHER | delete PERSON`."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from assistant.cli_options import AsJson, PersonName
from assistant.command_rooms import command_group

if TYPE_CHECKING:
    from assistant.enrich.people import People


def _people_rows(people: People) -> list[dict[str, Any]]:
    rows = []
    for person in people.faces.people():
        files = sorted(
            {
                asset.rel_path
                for face in people.faces.faces(person_id=person.person_id)
                if (asset := people.catalog.get_asset(face.asset_id)) is not None
            }
        )
        rows.append(
            {
                "person": person.person_id,
                "name": person.name,
                "named_by": person.name_source,
                "faces": person.faces,
                "assets": person.assets,
                "files": files,
                "thumbnail": person.thumbnail,
            }
        )
    return rows


_PERSON_HELP = "Person id from `assistant people list`."

people_app, register = command_group(
    "people", "People: faces clustered across the archive; name them once."
)


@people_app.command("list")
def list_cmd(
    ctx: typer.Context,
    as_json: AsJson = False,
) -> None:
    """People found in photos and video keyframes, most faces first."""
    from assistant.archive import Archive
    from assistant.enrich.people import People

    with Archive.open(ctx.obj.settings()) as archive:
        rows = _people_rows(People(archive.catalog, archive.faces))
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    if not rows:
        Console().print("No faces indexed (is ingest.faces on? run `assistant ingest`).")
        return
    table = Table()
    for column in ("person", "name", "faces", "files", "thumbnail"):
        table.add_column(column, overflow="fold")
    for row in rows:
        files = row["files"]
        shown = ", ".join(files[:4]) + (f" (+{len(files) - 4})" if len(files) > 4 else "")
        name = f"{row['name']} ({row['named_by']})" if row["name"] else "-"
        table.add_row(
            str(row["person"]), name, str(row["faces"]), shown, str(row["thumbnail"] or "")
        )
    Console().print(table)


@people_app.command("name")
def name_cmd(
    ctx: typer.Context,
    person: Annotated[int, typer.Argument(help=_PERSON_HELP)],
    name: PersonName,
) -> None:
    """Name a person; proposes `people` metadata for every asset they appear in
    (review with `assistant metadata review`)."""
    from assistant.archive import Archive
    from assistant.enrich.people import name_person

    with Archive.open(ctx.obj.settings()) as archive:
        naming = name_person(archive, person, name)
    Console(stderr=True).print(
        f"person {naming.person_id} is now '{naming.name}': {naming.proposed} proposal(s) "
        "to review with `assistant metadata review`"
    )


@people_app.command("merge")
def merge_cmd(
    ctx: typer.Context,
    keep: Annotated[int, typer.Argument(help="The person to keep.")],
    other: Annotated[int, typer.Argument(help="The same person, found apart.")],
) -> None:
    """Merge two people who are one (their faces were too far apart to join)."""
    from assistant.archive import Archive
    from assistant.enrich.people import merge_people

    with Archive.open(ctx.obj.settings()) as archive:
        naming = merge_people(archive, keep, other)
    extra = f"; {naming.proposed} proposal(s) for '{naming.name}'" if naming else ""
    Console(stderr=True).print(f"person {other} merged into {keep}{extra}")


@people_app.command("delete")
def delete_cmd(
    ctx: typer.Context,
    person: Annotated[int | None, typer.Argument(help=_PERSON_HELP)] = None,
    everyone: Annotated[
        bool, typer.Option("--all", help="Forget every face and person in the archive.")
    ] = False,
) -> None:
    """Forget a person: their face encodings, face thumbnails and pending proposals."""
    from assistant.archive import Archive
    from assistant.enrich.people import delete_all_people, delete_person
    from assistant.errors import AssistantError

    if (person is None) == (not everyone):
        raise AssistantError(
            "Say which person to delete, or --all.", hint="e.g. `assistant people delete 7`."
        )
    with Archive.open(ctx.obj.settings()) as archive:
        removed = delete_all_people(archive) if everyone else delete_person(archive, person or 0)
    who = "everyone" if everyone else f"person {person}"
    Console(stderr=True).print(f"{who} deleted ({removed} face(s) removed)")
