"""Pictures with the time span they cover: a photo (no times) or a video keyframe.

OCR and captions both turn such pictures into text segments, so they share this shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PIL import Image

from assistant.schemas import Segment

# (picture, start_s, end_s); photos have no times.
TimedPicture = tuple[Image.Image, float | None, float | None]


def timed_pictures(
    visual_segments: Sequence[Segment], pictures: Mapping[str, Image.Image]
) -> list[TimedPicture]:
    """The ingest's visual segments and their decoded pictures, in segment order."""
    return [
        (pictures[s.segment_id], s.start_s, s.end_s)
        for s in sorted(visual_segments, key=lambda s: s.index)
        if s.segment_id in pictures
    ]


def text_segments(
    asset_id: str, kind: str, texts: Sequence[tuple[str, float | None, float | None]]
) -> list[Segment]:
    """One segment per distinct run of text: a ticker that stays on screen over several
    keyframes becomes one segment spanning them, not several copies."""
    runs: list[list] = []
    for text, start_s, end_s in texts:
        text = " ".join(text.split())
        if not text:
            continue
        if runs and runs[-1][0] == text and runs[-1][2] is not None and start_s is not None:
            runs[-1][2] = max(runs[-1][2], end_s if end_s is not None else start_s)
            continue
        runs.append([text, start_s, end_s])
    return [
        Segment.of(
            asset_id,
            kind,  # type: ignore[arg-type]
            i,
            text=text,
            start_s=start_s,
            end_s=end_s,
        )
        for i, (text, start_s, end_s) in enumerate(runs)
    ]
