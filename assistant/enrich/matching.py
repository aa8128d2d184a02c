"""Strong matches between one asset and the rest of the catalogue: the evidence that
metadata propagation stands on.

- Pictures: perceptual-hash distance between the asset's visual segments (a photo, a
  video's keyframes) and every other asset's. A resized or re-encoded copy, or a photo
  grabbed from a catalogued video, lands within a few bits; a crop is found by sliding
  windows over the candidate's thumbnail (similarity/near_duplicates.py measured both).
- Speech and text: the same passage said or written in two assets. Each passage of the
  asset is looked up in the "text" vector space and confirmed by word overlap, so a
  merely similar topic is not mistaken for the same speech.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from assistant.models.base import TextEncoder
from assistant.schemas import Asset, Segment
from assistant.similarity import calibration
from assistant.similarity.near_duplicates import near_duplicate_hits, resolve_thumbnail
from assistant.store.catalog import Catalog
from assistant.store.lookup import SegmentLookup
from assistant.store.vectors.base import VectorIndex
from assistant.vocabulary.kinds import PASSAGE_KINDS
from assistant.vocabulary.words import content_terms, fold

# Calibrated near-duplicate score that counts as the same picture: whole-picture pHash
# within 10 of 64 bits (resized/re-encoded copies measure 0-6, unrelated photos 18-40),
# or a crop window within 8 (unrelated photos' best window: 12 and up). The measurements
# are in similarity/near_duplicates.py and similarity/calibration.py.
STRONG_PICTURE = 0.58
# A video's keyframes compared, at most.
MAX_KEYFRAMES = 30
# A passage needs this many content words to identify a speech (not "thank you").
MIN_PASSAGE_TERMS = 5
MAX_PASSAGES = 40
# Combined passage similarity (meaning x shared words) that counts as the same passage.
STRONG_PASSAGE = 0.6
# Without a text model, a keyword hit is trusted a little less than a confirmed meaning.
KEYWORD_ONLY_MEANING = 0.8


@dataclass(frozen=True)
class Match:
    asset_id: str
    similarity: float  # 0-1, calibrated (similarity/calibration.py)
    method: str  # near-duplicate | crop | shared-passage
    note: str


def _best_per_asset(matches: Iterable[Match]) -> list[Match]:
    best: dict[str, Match] = {}
    for match in matches:
        if match.asset_id not in best or match.similarity > best[match.asset_id].similarity:
            best[match.asset_id] = match
    return sorted(best.values(), key=lambda m: m.similarity, reverse=True)


def _pictures(catalog: Catalog, data_dir: Path, asset: Asset) -> list[Image.Image]:
    """The asset's own pictures: the photo file itself (full detail for the crop search),
    else its visual segments' thumbnails (a video's keyframes)."""
    if asset.kind == "image":
        try:
            with Image.open(asset.path) as opened:
                return [opened.convert("RGB")]
        except OSError:
            pass  # moved or unreadable: fall back to the stored thumbnail
    pictures = []
    for segment in catalog.segments(asset.asset_id, "visual")[:MAX_KEYFRAMES]:
        if not segment.thumbnail:
            continue
        try:
            path = resolve_thumbnail(segment.thumbnail, data_dir)
            with Image.open(path) as opened:
                pictures.append(opened.convert("RGB"))
        except OSError:
            continue
    return pictures


def visual_matches(
    catalog: Catalog, data_dir: Path, asset: Asset, candidates: set[str]
) -> list[Match]:
    """Assets in `candidates` whose pictures are copies, frames or crops of this one's,
    found by the same near-duplicate search an image query uses."""
    allowed = candidates - {asset.asset_id}
    if not allowed or not catalog.phashes(allowed):
        return []
    lookup = SegmentLookup(catalog)
    found = []
    for picture in _pictures(catalog, data_dir, asset):
        for hit in near_duplicate_hits(lookup, picture, 10, allowed, data_dir):
            if hit.score < STRONG_PICTURE or hit.asset_id not in allowed:
                continue
            method = "crop" if "crop" in hit.detail else "near-duplicate"
            found.append(Match(hit.asset_id, round(hit.score, 3), method, hit.detail))
    return _best_per_asset(found)


def word_overlap(passage: str, other: str) -> float:
    """Share of the passage's content words (folded) that the other text contains."""
    terms = {fold(term) for term in content_terms(passage)}
    if not terms:
        return 0.0
    present = {fold(word) for word in content_terms(other)}
    return len(terms & present) / len(terms)


def _context(catalog: Catalog, segment: Segment) -> str:
    """The matched segment with its neighbours: two transcripts of one speech cut their
    segments at different places, so a passage may straddle two of the other's."""
    around = [
        s
        for s in catalog.segments(segment.asset_id, segment.kind)
        if abs(s.index - segment.index) <= 1
    ]
    return " ".join(s.text for s in around)


def passage_matches(
    catalog: Catalog,
    vectors: VectorIndex,
    text: Callable[[], TextEncoder] | None,
    asset: Asset,
    candidates: set[str],
) -> list[Match]:
    """Assets in `candidates` that say or contain the same passages as this one; `text`
    gives the text encoder (None: none is configured, keywords only)."""
    passages = [
        s
        for kind in PASSAGE_KINDS
        for s in catalog.segments(asset.asset_id, kind)
        if len(content_terms(s.text)) >= MIN_PASSAGE_TERMS
    ][:MAX_PASSAGES]
    allowed = candidates - {asset.asset_id}
    if not passages or not allowed:
        return []
    found: list[Match] = []
    nearest = _neighbours(catalog, vectors, text, passages, allowed)
    for passage, neighbours in zip(passages, nearest, strict=True):
        for segment_id, meaning in neighbours:
            segment = catalog.segments_by_id([segment_id]).get(segment_id)
            if segment is None or segment.asset_id not in allowed:
                continue
            shared = word_overlap(passage.text, _context(catalog, segment))
            similarity = math.sqrt(meaning * shared)
            if similarity >= STRONG_PASSAGE:
                found.append(
                    Match(
                        segment.asset_id,
                        round(similarity, 3),
                        "shared-passage",
                        f"same passage: “{_quote(passage.text)}”",
                    )
                )
    return _best_per_asset(found)


def _neighbours(
    catalog: Catalog,
    vectors: VectorIndex,
    text: Callable[[], TextEncoder] | None,
    passages: list[Segment],
    allowed: set[str],
) -> list[list[tuple[str, float]]]:
    """Per passage: (segment_id, meaning similarity 0-1) of the closest other segments.
    With a text model: cosine in the "text" space, calibrated. Without one: the keyword
    index, where the word-overlap check alone then decides."""
    if text is not None and vectors.count("text"):
        encoder = text()
        embedded = encoder.encode_passages([p.text for p in passages])
        scale = calibration.text_scale(encoder)
        return [
            [
                (segment_id, calibration.text_similarity(cosine, scale))
                for segment_id, cosine in vectors.query("text", vector, 5, allowed)
            ]
            for vector in embedded
        ]
    return [
        [
            (segment_id, KEYWORD_ONLY_MEANING)
            for segment_id, _ in catalog.keyword_search(p.text, 5, allowed)
        ]
        for p in passages
    ]


def _quote(text: str, words: int = 12) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")
