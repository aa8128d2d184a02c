"""Audio query -> audio and video moments.

The query clip is transcribed; its words are searched in the timed transcripts (meaning
and keywords), and the best candidates are aligned word by word (speech_align.py) so the
clip starts where the excerpt was said, not where Whisper's segment happened to begin.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

import numpy as np

from assistant.models.base import TextEncoder
from assistant.retrieval.keywords import keyword_hits
from assistant.retrieval.meaning import TEXT_SIGNAL, vector_hits
from assistant.retrieval.speech_align import align
from assistant.schemas import Hit, Segment
from assistant.similarity import calibration
from assistant.store.lookup import SegmentLookup, make_hit
from assistant.store.vectors.base import VectorIndex
from assistant.vocabulary.timefmt import clock

ALIGN_SIGNAL = "speech_align"
SPEECH = {"speech"}
# Candidates aligned word by word; alignment is cheap but reads neighbouring segments.
ALIGN_CANDIDATES = 12


def spoken_rankings(
    lookup: SegmentLookup,
    encoder: TextEncoder,
    vectors: VectorIndex,
    transcript: str,
    k: int,
    asset_ids: AbstractSet[str] | None,
    query_vector: np.ndarray | None = None,
) -> dict[str, list[Hit]]:
    """Rankings for a transcribed query: meaning, keyword, and word alignment.
    `query_vector`: the transcript already encoded (the text part did it)."""
    if query_vector is None:
        query_vector = encoder.encode_queries([transcript])[0]
    meaning = vector_hits(
        lookup,
        vectors,
        "text",
        query_vector,
        k * 2,
        asset_ids,
        TEXT_SIGNAL,
        SPEECH,
        text_scale=calibration.text_scale(encoder),
    )[:k]
    keyword = keyword_hits(lookup, transcript, k, asset_ids, SPEECH)
    candidates = list(dict.fromkeys(hit.segment_id for hit in [*meaning, *keyword]))
    aligned = align_candidates(lookup, transcript, candidates[:ALIGN_CANDIDATES])
    return {TEXT_SIGNAL: meaning, "keyword": keyword, ALIGN_SIGNAL: aligned}


def align_candidates(lookup: SegmentLookup, transcript: str, segment_ids: list[str]) -> list[Hit]:
    segments = lookup.segments(segment_ids)
    best: dict[str, Hit] = {}
    for segment_id in segment_ids:
        segment = segments.get(segment_id)
        if segment is None:
            continue
        context = neighbours(lookup, segment)
        found = align(transcript, context)
        if found is None:
            continue
        anchor = next(s for s in context if s.segment_id == found.segment_id)
        hit = make_hit(
            anchor,
            ALIGN_SIGNAL,
            calibration.speech_alignment_similarity(found.ratio),
            f"speech match at {clock(found.start_s)}",
        )
        # The words the excerpt matched, not the whole segment's.
        hit.start_s, hit.end_s, hit.text = found.start_s, found.end_s, found.text
        if anchor.segment_id not in best or hit.score > best[anchor.segment_id].score:
            best[anchor.segment_id] = hit
    return sorted(best.values(), key=lambda hit: -hit.score)


def neighbours(lookup: SegmentLookup, segment: Segment) -> list[Segment]:
    """The segment with the speech just before and after it (an excerpt may straddle)."""
    speech = lookup.asset_segments(segment.asset_id, "speech")
    return [s for s in speech if abs(s.index - segment.index) <= 1] or [segment]
