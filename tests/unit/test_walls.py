"""Rooms keep to themselves: ingest-time rooms never import query code, and the shared
lower layers import no room above them (checked on the import statements themselves)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "assistant"
HIGH = ("retrieval", "agent", "ui", "api", "mcp_server", "evaluation", "export")
# room -> rooms it must not import. (store/ and models/ still reach up in a few places:
# the reembed command into enrich/ingest, models/asr_language.py into enrich/language.py;
# to be walled next.)
WALLS = {
    "enrich": HIGH,
    "ingest": HIGH,
    "similarity": (*HIGH, "enrich", "ingest"),
    "diarization": (*HIGH, "enrich", "ingest", "store"),
    "media": (*HIGH, "enrich", "ingest", "store"),
    "vocabulary": (*HIGH, "enrich", "ingest", "store", "media", "models", "similarity"),
}


def _imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("room", sorted(WALLS))
def test_room_imports_nothing_above_it(room: str) -> None:
    banned = tuple(f"assistant.{name}" for name in WALLS[room])
    leaks = sorted(
        f"{path.relative_to(PACKAGE)}: {module}"
        for path in (PACKAGE / room).rglob("*.py")
        for module in _imported(path)
        if module.startswith(banned) and module.split(".")[1] in WALLS[room]
    )
    assert leaks == []
