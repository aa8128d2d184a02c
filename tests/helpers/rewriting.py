"""An archive whose agent rewrites queries in a given mode, for agent tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from assistant.archive import Archive


@contextmanager
def archive_rewriting(settings: Any, mode: str) -> Iterator[Archive]:
    """The archive opened with `settings`, its agent's query rewrite set to `mode`."""
    with Archive.open(settings) as opened:
        opened.settings.agent = opened.settings.agent.model_copy(update={"rewrite": mode})
        yield opened
