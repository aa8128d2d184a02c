"""What the People and Voices tabs share: a listing (cards or a gallery, and the picker's
choices) redrawn after every change, and naming the picked entry through its handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import gradio as gr

Choices = list[tuple[str, int]]


class NamesEntries(Protocol):
    def listing(self) -> tuple[Any, Choices]: ...

    def name(self, picked: int | None, name: str, user: str | None = None) -> str: ...


def relisted(handler: NamesEntries, keep: int | None = None) -> tuple[Any, Any]:
    """The listing and a picker that keeps `keep` picked (None: nothing picked)."""
    items, choices = handler.listing()
    return items, gr.Dropdown(choices=choices, value=keep)


def naming_events(
    handler: NamesEntries,
) -> tuple[Callable[[], tuple[Any, Any]], Callable[..., tuple[Any, Any, str]]]:
    """(list, name) event functions: name returns the listing, the picker and a message."""

    def list_all() -> tuple[Any, Any]:
        return relisted(handler)

    def name_picked(picked: int | None, text: str, request: gr.Request) -> tuple[Any, Any, str]:
        message = handler.name(picked, text, request.username)
        return (*relisted(handler, picked), message)

    return list_all, name_picked
