"""Fusing the rankings of several signals into one score per segment.

Each signal (keyword, text meaning, CLIP text, CLIP image, pHash, speech alignment)
returns its hits best first, each with a calibrated score c in [0, 1] (calibration.py).
A hit at rank r contributes the reciprocal-rank term, weighted by its calibrated score and
normalised so that rank 1 gives exactly c:

    t = c * (k + 1) / (k + r)          (k = settings.search.rrf_k, 60 by default)

and a segment's fused score combines its terms as independent evidence (noisy-OR):

    score = 1 - prod(1 - t)

So one signal alone scores what its calibration says (a little less further down its
ranking), two signals that agree lift the score towards 1, and the score never leaves
[0, 1]. Because every signal is calibrated to the same meaning, an image found by pHash
and a speech segment found by keyword are comparable within one query. Ranking by this
score is reciprocal rank fusion where each signal's vote is weighted by how convincing its
evidence is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.schemas import Hit


@dataclass
class FusedSegment:
    """One segment with every hit that found it, and its fused score."""

    segment_id: str
    asset_id: str
    score: float = 0.0
    hits: list[Hit] = field(default_factory=list)
    # Each hit's weighted reciprocal-rank term, parallel to `hits`.
    terms: list[float] = field(default_factory=list)

    def best_hit(self) -> Hit:
        return self.hits[max(range(len(self.hits)), key=self.terms.__getitem__)]


def rank_term(score: float, rank: int, rrf_k: int) -> float:
    """The calibrated score discounted by rank; equals `score` at rank 1."""
    return score * (rrf_k + 1) / (rrf_k + rank)


def fuse(rankings: dict[str, list[Hit]], rrf_k: int) -> list[FusedSegment]:
    """Combine per-signal rankings (each best first) into segments, best first."""
    fused: dict[str, FusedSegment] = {}
    for hits in rankings.values():
        seen: set[str] = set()
        for hit in hits:
            if hit.segment_id in seen:  # a signal votes once per segment
                continue
            seen.add(hit.segment_id)
            entry = fused.setdefault(hit.segment_id, FusedSegment(hit.segment_id, hit.asset_id))
            entry.hits.append(hit)
            entry.terms.append(rank_term(hit.score, len(seen), rrf_k))
    for entry in fused.values():
        remaining = 1.0
        for term in entry.terms:
            remaining *= 1.0 - term
        entry.score = 1.0 - remaining
    return sorted(fused.values(), key=lambda entry: (-entry.score, entry.segment_id))
