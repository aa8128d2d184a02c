"""How a metadata value reads as a list of items."""

from __future__ import annotations

from typing import Any


def value_items(value: Any) -> list[Any]:
    """A metadata value's items: a list as it is, one value as a list of one, nothing
    (None, "") as none. List fields (people, topics) may hold one bare string when a
    sidecar or an older record wrote it so; readers take both the same way."""
    if isinstance(value, list):
        return value
    return [] if value is None or value == "" else [value]
