"""How the app shows a user's AssistantError: its message, then what to do about it."""

from __future__ import annotations

import gradio as gr

from assistant.errors import AssistantError


def user_error(exc: AssistantError) -> gr.Error:
    """The gradio error popup for `exc` (raise it from the handler)."""
    return gr.Error(exc.message + (f" → {exc.hint}" if exc.hint else ""))
