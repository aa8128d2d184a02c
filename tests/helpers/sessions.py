"""Chat sessions over scripted models for agent tests: each opens its own archive on the
test settings (the models given replace the profile's), and every archive is closed when
the test ends (the `open_session` fixture in tests/conftest.py)."""

from __future__ import annotations

from typing import Any

from assistant.agent.session import ChatSession
from assistant.archive import Archive
from assistant.config import Settings


class SessionOpener:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.opened: list[Archive] = []

    def __call__(self, engine: Any, models: dict[str, Any], **agent: object) -> ChatSession:
        """A session searching `engine` with `models` (e.g. {"llm": ..., "support": ...});
        `agent` overrides agent settings, rewording off unless given."""
        archive = Archive.open(self.settings, model_overrides=models)
        self.opened.append(archive)
        archive.settings.agent = archive.settings.agent.model_copy(
            update={"rewrite": "never", **agent}
        )
        return ChatSession(archive, engine)

    def close(self) -> None:
        for archive in self.opened:
            archive.close()
