"""`assistant voices list` and `assistant voices name VOICE "Name"`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.cli_options import AsJson, PersonName
from assistant.command_rooms import command_group

voices_app, register = command_group("voices", "Voices recognised across the archive; name them.")


@voices_app.command("list")
def list_cmd(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Every voice heard in the archive: files, seconds of speech, name."""
    from assistant.archive import Archive
    from assistant.store.voices import VoiceStore

    with Archive.open(ctx.obj.settings()) as archive:
        voices = VoiceStore(archive.catalog).voices()
    if as_json:
        sys.stdout.write(
            json.dumps([{**v.__dict__, "label": v.label} for v in voices], indent=2) + "\n"
        )
        return
    if not voices:
        Console().print("No voices yet: ingest audio or video with speech.")
        return
    table = Table("voice", "name", "files", "speech (s)", "named by")
    for v in voices:
        table.add_row(
            str(v.voice_id), v.name or "", str(v.files), f"{v.seconds:.0f}", v.name_source or ""
        )
    Console().print(table)


@voices_app.command("name")
def name_cmd(
    ctx: typer.Context,
    voice: Annotated[str, typer.Argument(help="Voice number (2, 'Voice 2') or name.")],
    name: PersonName,
) -> None:
    """Name a voice; proposes `people` metadata for every file it speaks in (review them
    with `assistant metadata review`)."""
    from assistant.archive import Archive
    from assistant.enrich.voices import name_voice

    with Archive.open(ctx.obj.settings()) as archive:
        named, proposals = name_voice(archive, voice, name)
    Console(stderr=True).print(
        f"{named.label}: {proposals} people proposal(s) for review (`assistant metadata review`)"
    )


@voices_app.command("find")
def find_cmd(
    ctx: typer.Context,
    clip: Annotated[Path, typer.Argument(help="An audio/video clip of the voice.")],
    k: Annotated[int, typer.Option(min=1, max=100, help="How many matches.")] = 5,
    as_json: AsJson = False,
) -> None:
    """Voice by example: the recordings where the voice of CLIP speaks."""
    from assistant.archive import Archive
    from assistant.enrich.voice_search import find_by_example

    with Archive.open(ctx.obj.settings()) as archive:
        matches = find_by_example(archive, clip, archive.models.speaker(), k)
    if as_json:
        sys.stdout.write(json.dumps([m.__dict__ for m in matches], indent=2) + "\n")
        return
    table = Table("file", "speaker", "voice", "similarity", "first speaks at (s)")
    for m in matches:
        table.add_row(
            m.file,
            m.speaker,
            m.voice,
            f"{m.similarity:.2f}",
            "" if m.start_s is None else f"{m.start_s:.1f}",
        )
    Console().print(table)
