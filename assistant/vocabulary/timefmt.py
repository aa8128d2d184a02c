"""Times as journalists read them: 01:05, 1:02:03, and spans like 00:41–00:58 (the one
time formatter: the UI, the agent, the CLI, exports and search explanations use it).

Starts round down and ends round up, as media players count, so the span shown always
contains the clip and its start matches the player's clock when it seeks there."""

from __future__ import annotations

import math


def clock(seconds: float | None, round_up: bool = False) -> str:
    """mm:ss, or h:mm:ss past an hour; an empty string for no time (images, documents)."""
    if seconds is None:
        return ""
    total = max(0, math.ceil(seconds - 1e-6) if round_up else math.floor(seconds + 1e-6))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def span(start_s: float | None, end_s: float | None) -> str:
    """'00:41–00:59', or just the start when the end is missing or under a second later."""
    if start_s is None:
        return ""
    start = clock(start_s)
    if end_s is None or end_s - start_s < 1.0:
        return start
    return f"{start}–{clock(end_s, round_up=True)}"


def full_span(start_s: float | None, end_s: float | None) -> str:
    """'00:41–00:59' always both ends (a missing end is the start), for text a model or a
    script reads; an empty string for no time."""
    if start_s is None:
        return ""
    end = end_s if end_s is not None else start_s
    return f"{clock(start_s)}–{clock(end, round_up=True)}"
