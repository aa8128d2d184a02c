"""How the app shows a user's AssistantError: its message, then what to do about it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import gradio as gr

from assistant.errors import AssistantError


def user_error(exc: AssistantError) -> gr.Error:
    """The gradio error popup for `exc` (raise it from the handler)."""
    return gr.Error(exc.message + (f" → {exc.hint}" if exc.hint else ""))


@contextmanager
def shown_to_user() -> Iterator[None]:
    """Around a handler's work: an AssistantError raised inside reaches the user as the
    popup `user_error` makes (any other error passes unchanged)."""
    try:
        yield
    except AssistantError as exc:
        raise user_error(exc) from exc
