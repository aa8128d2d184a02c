"""A cold `assistant search` imports only the search command's module (issue #19: the
cold search spent seconds importing every room's commands and image-hash libraries)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from assistant.cli import invoked_command
from assistant.command_rooms import ROOMS, rooms_for

REPO = Path(__file__).resolve().parents[2]


def test_the_invoked_command_is_found_past_root_options() -> None:
    assert invoked_command(["search", "flood"]) == "search"
    assert invoked_command(["--profile", "test", "--data-dir", "/d", "-v", "ask", "x"]) == "ask"
    assert invoked_command(["--help"]) is None and invoked_command([]) is None
    search = next(register for names, register in ROOMS if "search" in names)
    assert rooms_for("search") == [search]
    # no name, or a name no room lists, registers everything: no command can go missing
    everything = [register for _, register in ROOMS]
    assert rooms_for(None) == everything and rooms_for("serch") == everything
    names = [name for room_names, _ in ROOMS for name in room_names]
    assert len(names) == len(set(names))  # each command has one home


def _imported_after(argv: list[str], modules: list[str]) -> list[str]:
    code = (
        "import sys; sys.argv = " + repr(argv) + "; import assistant.cli;"
        " import assistant.retrieval.engine;"
        " print(','.join(m for m in " + repr(modules) + " if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return [m for m in done.stdout.strip().split(",") if m]


def test_a_search_run_loads_no_other_room_nor_image_hashing() -> None:
    heavy = ["assistant.enrich.propagate", "assistant.export.commands", "scipy", "imagehash"]
    assert _imported_after(["assistant", "search", "flood"], heavy) == []
    # --help (and any other command) still sees every command
    assert "assistant.export.commands" in _imported_after(["assistant", "--help"], heavy)
