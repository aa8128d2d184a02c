"""Which retrieved clips count as gold evidence (the overlap rule of shared/EVAL_FORMAT.md).

A timed clip matches a timed gold item of the same file when they overlap by at least 1 s,
or by half the clip's own length when the clip is shorter than 2 s (so a short, precise clip
inside the range still counts). A clip without times (a whole asset) does not match a timed
gold item: we score where the evidence is, not just which file holds it. Images and documents
match by file; a document item with `contains` also needs the phrase in the passage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath

from assistant.evaluation.suite import RelevantItem
from assistant.schemas import Clip

MIN_OVERLAP_S = 1.0

# Gives the full text of a retrieved passage (the snippet may be shortened for display).
TextOf = Callable[[Clip], str]


def normalise_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def normalise_file(path: str) -> str:
    return str(PurePosixPath(path.replace("\\", "/")))


def _snippet(clip: Clip) -> str:
    return clip.snippet


def overlap_s(a_start: float, a_end: float, b_start: float, b_end: float) -> float:
    return min(a_end, b_end) - max(a_start, b_start)


def clip_matches(clip: Clip, item: RelevantItem, text_of: TextOf = _snippet) -> bool:
    if normalise_file(clip.file) != normalise_file(item.file):
        return False
    if item.start_s is not None and item.end_s is not None:
        if clip.start_s is None or clip.end_s is None:
            return False
        clip_length = clip.end_s - clip.start_s
        needed = min(MIN_OVERLAP_S, clip_length / 2)
        return overlap_s(clip.start_s, clip.end_s, item.start_s, item.end_s) >= needed
    if item.contains:
        return normalise_text(item.contains) in normalise_text(text_of(clip))
    return True


def matched_items(
    clip: Clip, relevant: Sequence[RelevantItem], text_of: TextOf = _snippet
) -> list[int]:
    return [j for j, item in enumerate(relevant) if clip_matches(clip, item, text_of)]


def ranked_doc_ids(
    clips: Sequence[Clip], relevant: Sequence[RelevantItem], text_of: TextOf = _snippet
) -> list[str]:
    """Map a ranking of clips to document ids for ir-measures.

    A clip becomes `gold-j` for the first gold item j it matches that no earlier clip already
    claimed; a second clip on the same evidence keeps its rank but earns nothing (`dup-r`),
    so two clips of one passage cannot count twice.
    """
    claimed: set[int] = set()
    doc_ids: list[str] = []
    for rank, clip in enumerate(clips):
        matches = matched_items(clip, relevant, text_of)
        fresh = [j for j in matches if j not in claimed]
        if fresh:
            claimed.add(fresh[0])
            doc_ids.append(f"gold-{fresh[0]}")
        else:
            doc_ids.append(f"{'dup' if matches else 'miss'}-{rank}")
    return doc_ids


def gold_found(
    clips: Sequence[Clip], relevant: Sequence[RelevantItem], text_of: TextOf = _snippet
) -> set[int]:
    """Indices of the gold items that any of the clips matches."""
    found: set[int] = set()
    for clip in clips:
        found.update(matched_items(clip, relevant, text_of))
    return found


def is_supported(cited: Clip, retrieved: Sequence[Clip]) -> bool:
    """A citation is supported when some tool returned a clip of the same asset that overlaps
    it in time (or either has no time, as for images and documents)."""
    for clip in retrieved:
        if clip.asset_id != cited.asset_id:
            continue
        times = (cited.start_s, cited.end_s, clip.start_s, clip.end_s)
        if any(value is None for value in times):
            return True
        if overlap_s(*times) >= 0:  # type: ignore[arg-type]
            return True
    return False
