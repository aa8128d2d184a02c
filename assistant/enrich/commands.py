"""`assistant metadata propose [--asset ID] [--apply-above 0.9]` and
`assistant metadata review [--accept ID ...] [--reject ID ...]`."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.cli_options import AsJson
from assistant.command_rooms import command_group
from assistant.enrich.propagate import Proposal

SHOWN_VALUE_CHARS = 60


def _value_text(value: object) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= SHOWN_VALUE_CHARS else text[: SHOWN_VALUE_CHARS - 1] + "…"


def proposals_table(proposals: list[Proposal]) -> Table:
    table = Table()
    for column in ("id", "file", "field", "value", "conf.", "how", "evidence"):
        table.add_column(column, overflow="fold")
    for p in proposals:
        table.add_row(
            str(p.proposal_id),
            p.rel_path,
            p.field,
            _value_text(p.value),
            f"{p.confidence:.2f}",
            p.provenance.method,
            p.provenance.note,
        )
    return table


def _show(proposals: list[Proposal], as_json: bool, empty: str) -> None:
    if as_json:
        sys.stdout.write(
            json.dumps([p.model_dump(mode="json") for p in proposals], indent=2) + "\n"
        )
    elif proposals:
        Console().print(proposals_table(proposals))
    else:
        Console().print(empty)


metadata_app, register = command_group("metadata", "Propose and review metadata.")


@metadata_app.command("propose")
def propose(
    ctx: typer.Context,
    asset: Annotated[str | None, typer.Option(help="Only this asset id.")] = None,
    apply_above: Annotated[
        float | None,
        typer.Option(
            "--apply-above",
            min=0.0,
            max=1.0,
            help="Accept proposals at or above this confidence (e.g. 0.9).",
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Propose missing metadata from near-duplicates, shared speech and what is said."""
    from assistant.archive import Archive
    from assistant.enrich import propagate, review

    with Archive.open(ctx.obj.settings()) as archive:
        if asset:
            propagate.propose_for_asset(archive, asset)
        else:
            propagate.propose_all(archive)
        if apply_above is not None:
            accepted = review.apply_above(archive.catalog, apply_above)
            Console(stderr=True).print(
                f"accepted {len(accepted)} proposal(s) at or above {apply_above:.2f}"
            )
        proposals = propagate.pending_proposals(archive.catalog)
    _show(proposals, as_json, "No metadata to propose.")


@metadata_app.command("review")
def review_cmd(
    ctx: typer.Context,
    accept: Annotated[
        list[int] | None, typer.Option("--accept", help="Accept this proposal id (repeatable).")
    ] = None,
    reject: Annotated[
        list[int] | None, typer.Option("--reject", help="Reject this proposal id (repeatable).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """List pending proposals; accept or reject them by id."""
    from assistant.archive import Archive
    from assistant.enrich import propagate, review

    err = Console(stderr=True)
    with Archive.open(ctx.obj.settings()) as archive:
        for proposal_id in accept or []:
            value = review.accept(archive.catalog, proposal_id)
            err.print(f"accepted {proposal_id}: {value.field} = {_value_text(value.value)}")
        for proposal_id in reject or []:
            review.reject(archive.catalog, proposal_id)
            err.print(f"rejected {proposal_id}")
        proposals = propagate.pending_proposals(archive.catalog)
    _show(proposals, as_json, "No pending proposals.")
