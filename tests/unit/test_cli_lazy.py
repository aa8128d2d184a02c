"""A cold `assistant search` imports only the search command's module (issue #19: the
cold search spent seconds importing every room's commands and image-hash libraries)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from assistant.cli import COMMAND_HOMES, COMMAND_MODULES, command_modules, invoked_command

REPO = Path(__file__).resolve().parents[2]


def test_the_invoked_command_is_found_past_root_options() -> None:
    assert invoked_command(["search", "flood"]) == "search"
    assert invoked_command(["--profile", "test", "--data-dir", "/d", "-v", "ask", "x"]) == "ask"
    assert invoked_command(["--help"]) is None and invoked_command([]) is None
    assert command_modules(["search", "x"]) == ["assistant.retrieval.commands"]
    # an unlisted name, or no name, registers everything: no command can go missing
    assert command_modules(["models", "list"]) == COMMAND_MODULES
    assert command_modules(["--help"]) == COMMAND_MODULES
    assert set(COMMAND_HOMES.values()) == set(COMMAND_MODULES)


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
