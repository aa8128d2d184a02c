"""Placing a spoken query in time: align its words against a transcript's timed words.

The query clip's transcript rarely equals the archive's word for word (another voice,
another recogniser run, paraphrase), so the alignment is fuzzy: rapidfuzz's
partial_ratio_alignment finds the stretch of the archive text that best matches the
query text (character-level, so 'energy prices' still lines up with 'the price of
energy'), and the character offsets are mapped back to word timestamps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.schemas import Segment, WordTiming

_NON_WORD = re.compile(r"[^\w\s]+", re.UNICODE)


@dataclass(frozen=True)
class Alignment:
    ratio: float  # 0-100, how well the query text matches the aligned archive words
    start_s: float
    end_s: float
    text: str  # the archive words in the aligned span
    segment_id: str  # the segment where the aligned span starts


def normalise(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def timed_words(segments: list[Segment]) -> list[tuple[WordTiming, str]]:
    """Words of consecutive segments in time order, each with its segment id.

    A segment without word timings contributes one pseudo-word spanning the segment, so
    alignment still lands on the right segment, only less precisely in time.
    """
    words: list[tuple[WordTiming, str]] = []
    for segment in sorted(segments, key=lambda s: (s.start_s or 0.0, s.index)):
        if segment.words:
            words.extend((word, segment.segment_id) for word in segment.words)
        elif segment.text.strip() and segment.start_s is not None:
            span = WordTiming(
                start_s=segment.start_s, end_s=segment.end_s or segment.start_s, text=segment.text
            )
            words.append((span, segment.segment_id))
    return words


def align(query_text: str, segments: list[Segment]) -> Alignment | None:
    """The best-matching span of `segments` (consecutive speech of one asset) in time."""
    query = normalise(query_text)
    words = timed_words(segments)
    if not query or not words:
        return None
    pieces = [normalise(word.text) for word, _ in words]
    # Character offset where each word starts in the joined archive text.
    starts, offset = [], 0
    for piece in pieces:
        starts.append(offset)
        offset += len(piece) + 1
    archive = " ".join(pieces)
    if not archive.strip():
        return None
    # Imported here: rapidfuzz costs 0.5-0.7 s of a fresh process's first text query.
    from rapidfuzz import fuzz

    found = fuzz.partial_ratio_alignment(query, archive)
    if found is None:
        return None
    first = _word_at(starts, found.dest_start)
    last = max(first, _word_at(starts, max(found.dest_start, found.dest_end - 1)))
    return Alignment(
        ratio=float(found.score),
        start_s=words[first][0].start_s,
        end_s=max(words[last][0].end_s, words[first][0].start_s),
        text=" ".join(word.text.strip() for word, _ in words[first : last + 1]),
        segment_id=words[first][1],
    )


def _word_at(starts: list[int], char_offset: int) -> int:
    """Index of the word containing `char_offset` in the joined text."""
    index = 0
    for i, start in enumerate(starts):
        if start > char_offset:
            break
        index = i
    return index
