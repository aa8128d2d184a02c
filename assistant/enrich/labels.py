"""Object labels of photos and video keyframes as text-searchable "label" segments.

Each picture gets its top ImageNet labels above MIN_PROBABILITY ("Objects: baboon (68%),
guenon (13%)"); consecutive keyframes with the same labels are one segment spanning
them. A picture whose best label is below the threshold (a scene, a cartoon: the model
is unsure) gets none rather than a wrong word.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from assistant.enrich.pictures import TimedPicture
from assistant.models.object_labels import ObjectLabeler
from assistant.schemas import Segment

TOP_K = 3
# Below this a label is mostly a guess (scenes score 0.1-0.3 spread over many classes).
MIN_PROBABILITY = 0.2
SEGMENT_KIND: Literal["label"] = "label"

Labels = list[tuple[str, float]]


def label_text(labels: Sequence[tuple[str, float]]) -> str:
    return "Objects: " + ", ".join(f"{name} ({p:.0%})" for name, p in labels)


def _runs(
    found: list[tuple[Labels, float | None, float | None]],
) -> list[tuple[Labels, float | None, float | None]]:
    runs: list[tuple[Labels, float | None, float | None]] = []
    for labels, start_s, end_s in found:
        if (
            runs
            and runs[-1][2] is not None
            and start_s is not None
            and [n for n, _ in runs[-1][0]] == [n for n, _ in labels]
        ):
            merged = [(n, max(a, b)) for (n, a), (_, b) in zip(runs[-1][0], labels, strict=True)]
            runs[-1] = (merged, runs[-1][1], end_s if end_s is not None else start_s)
            continue
        runs.append((labels, start_s, end_s))
    return runs


def label_segments(
    asset_id: str, pictures: Sequence[TimedPicture], labeler: ObjectLabeler
) -> list[Segment]:
    """Label segments for a photo (no times) or a video's keyframes (their spans)."""
    if not pictures:
        return []
    predicted = labeler.labels([picture for picture, _, _ in pictures], TOP_K)
    found = [
        ([(n, p) for n, p in labels if p >= MIN_PROBABILITY], start_s, end_s)
        for labels, (_, start_s, end_s) in zip(predicted, pictures, strict=True)
    ]
    runs = _runs([item for item in found if item[0]])
    return [
        Segment.of(asset_id, SEGMENT_KIND, i, start_s=start_s, end_s=end_s, text=label_text(labels))
        for i, (labels, start_s, end_s) in enumerate(runs)
    ]
