"""Search hits for agent tests: a Clip of one file's passage, from a few words."""

from __future__ import annotations

from typing import Any

from assistant.schemas import Clip
from tests.helpers.builders import clip_of


def passage(
    file: str,
    kind: str,
    snippet: str,
    start_s: float | None = None,
    end_s: float | None = None,
    **extra: Any,
) -> Clip:
    """A hit on `file` (asset id from its stem unless given), scored 0.9 unless given."""
    stem = file.rsplit("/", 1)[-1].split(".")[0][:16]
    fields: dict[str, Any] = {"score": 0.9, "asset_id": stem.ljust(16, "0"), **extra}
    return clip_of(file, kind, start_s, end_s, snippet=snippet, **fields)


# The minister's election line: the one-clip answer the agent's latency and skeleton
# tests ask about.
ELECTION = clip_of(
    "video/okafor.mp4",
    "video",
    12.0,
    20.0,
    asset_id="e" * 16,
    snippet="The minister said the election will be held on the ninth of June.",
)


def tariffs(**extra: Any) -> Clip:
    """The council briefing's tariffs line, which agent tests quote and reword."""
    return passage(
        "video/briefing.mp4",
        "video",
        "Electricity tariffs will be frozen for the whole of next year.",
        7.4,
        11.4,
        **extra,
    )
