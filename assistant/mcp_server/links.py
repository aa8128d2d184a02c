"""Links that open a clip at its cited time: a media-fragment URI (`#t=41,58`) on the file,
or on the app's file route when the archive is served (`--media-base-url`)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote


def clip_link(
    path: str, start_s: float | None, end_s: float | None, base_url: str | None = None
) -> str:
    target = f"{base_url}{quote(path)}" if base_url else Path(path).as_uri()
    if start_s is None:
        return target
    fragment = f"{start_s:g}" if end_s is None else f"{start_s:g},{end_s:g}"
    return f"{target}#t={fragment}"
