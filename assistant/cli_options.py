"""Typer arguments and options that several rooms' commands take alike, so that each reads
and helps the same way wherever it appears (`--json` everywhere, a person's name for the
people and the voices commands)."""

from __future__ import annotations

from typing import Annotated

import typer

# `--json`: print the result as JSON instead of a table (pair it with `= False`).
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
# The name given to a person or a voice (`people name`, `voices name`).
PersonName = Annotated[str, typer.Argument(help="The person's name.")]
