"""Builders for the schema objects tests make by the dozen. The fields a test does not
care about get one plain default here, so each test names only what it checks (and a new
required field is added in one place, not in every test module)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.schemas import Asset, Clip, Segment


def asset_row(
    root: Path | str, rel: str, kind: str, asset_id: str = "a" * 16, **fields: Any
) -> Asset:
    """The catalog row of the file `root/rel` (the file itself need not exist)."""
    return Asset(
        asset_id=asset_id,
        path=str(Path(root) / rel),
        root=str(root),
        rel_path=rel,
        kind=kind,  # type: ignore[arg-type]
        **fields,
    )


def clip_of(
    file: str,
    kind: str = "video",
    start: float | None = None,
    end: float | None = None,
    *,
    root: str = "/a",
    asset_id: str = "a" * 16,
    score: float = 0.9,
    snippet: str = "",
    **fields: Any,
) -> Clip:
    """A search hit on `file` (under `root`), from `start` to `end` seconds."""
    return Clip(
        asset_id=asset_id,
        file=file,
        path=f"{root}/{file}",
        kind=kind,  # type: ignore[arg-type]
        start_s=start,
        end_s=end,
        score=score,
        snippet=snippet,
        **fields,
    )


def clip_on(asset: Asset, segment: Segment, score: float = 0.9, **fields: Any) -> Clip:
    """The search hit on one stored segment of `asset` (made by asset_row): the segment's
    times, text and id."""
    fields = {"snippet": segment.text, "segment_ids": [segment.segment_id], **fields}
    where = {"root": asset.root, "asset_id": asset.asset_id, "score": score}
    return clip_of(asset.rel_path, asset.kind, segment.start_s, segment.end_s, **where, **fields)


def spoken_turns(
    asset_id: str, lines: list[tuple[str, str]], every_s: float, length_s: float
) -> list[Segment]:
    """Speech segments, one per (speaker, text) line, starting every `every_s` seconds."""
    return [
        Segment.of(
            asset_id,
            "speech",
            i,
            start_s=i * every_s,
            end_s=i * every_s + length_s,
            text=text,
            speaker=speaker,
        )
        for i, (speaker, text) in enumerate(lines)
    ]
