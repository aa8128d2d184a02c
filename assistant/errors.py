"""The one exception type for errors a user can cause and fix.

The CLI prints these without a traceback and exits non-zero; the UI shows the message.
Every message says what went wrong *and* what to do about it.
"""


class AssistantError(Exception):
    """A user-fixable problem: bad file, unknown model, missing weights, bad filter, ..."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message}\n  → {hint}" if hint else message)


class MissingModelError(AssistantError):
    """Weights for a configured model cannot be found locally nor downloaded."""
