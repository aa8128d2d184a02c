"""Metadata signals: the query against each asset's curated and file metadata.

- `metadata` (keywords): FTS5 over catalog.metadata_text finds and orders the assets
  (bm25); the score is the share of the query's content words found in the metadata (as
  for the keyword signal), times the confidence of the fields that matched (a propagated
  guess counts less than a sidecar). `why` names the fields: "metadata: place 'Leuven'".
- `metadata_meaning`: the sentence encoder's cosine between the query and each asset's
  metadata gist (title, description, people, place, topics, music words), calibrated like
  `text_vector`. Gists live in the vector index's own `meta` space (metadata_space.py),
  re-embedded when they change, searched with the filters inside the index; no size cap.

Both are asset-level: hits anchor where the asset starts (whole_asset.py).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

import numpy as np

from assistant.models.base import TextEncoder
from assistant.retrieval.whole_asset import TIMED_KINDS, whole_asset_hit
from assistant.schemas import Hit, MetadataValue
from assistant.similarity import calibration
from assistant.store import metadata_space
from assistant.store.lookup import SegmentLookup
from assistant.store.metadata_text import searchable_fields
from assistant.store.vectors.base import VectorIndex
from assistant.vocabulary.words import content_terms, matched_terms

SIGNAL = "metadata"
MEANING_SIGNAL = "metadata_meaning"
# Calibrated meaning below this is noise (calibration.py): not worth a whole-asset clip.
MEANING_MIN_SCORE = 0.2
# Field values shown in `why` are cut to this length.
WHY_VALUE_CHARS = 60


def metadata_hits(
    lookup: SegmentLookup, text: str, k: int, asset_ids: AbstractSet[str] | None
) -> list[Hit]:
    """Assets whose metadata holds the query's words, best first."""
    terms = content_terms(text)
    if not terms:
        return []
    scored: list[tuple[float, Hit]] = []
    found = [
        asset_id for asset_id, _ in lookup.catalog.metadata_search(" ".join(terms), k, asset_ids)
    ]
    prefetch_for_whole_asset_hits(lookup, found)
    metadata = lookup.effective_metadata(found)
    for asset_id in found:
        asset = lookup.asset(asset_id)
        if asset is None:
            continue
        score, detail = _match(terms, metadata[asset_id])
        scored.append((score, whole_asset_hit(lookup, asset, SIGNAL, score, detail)))
    # bm25 found them; coverage x confidence is the calibrated order.
    scored.sort(key=lambda pair: -pair[0])
    return [hit for _, hit in scored]


def prefetch_for_whole_asset_hits(lookup: SegmentLookup, asset_ids: list[str]) -> None:
    """The hits' assets in one query, and the segments of those whose whole-asset hit
    anchors at a moment (audio, video). Only those: reading every segment of 50 hits
    (their word timings parsed) was a tenth of a text query; the few clips built from
    other kinds read their anchor then."""
    lookup.prefetch(asset_ids)
    timed = [i for i in asset_ids if (asset := lookup.asset(i)) and asset.kind in TIMED_KINDS]
    lookup.prefetch(timed, segments=True)


def _match(terms: list[str], effective: dict[str, MetadataValue]) -> tuple[float, str]:
    """(calibrated score, why) for one asset's metadata."""
    found: dict[str, list[str]] = {}
    for name, words in searchable_fields(effective).items():
        matched = matched_terms(terms, words)
        if matched:
            found[name] = matched
    covered = {term for matched in found.values() for term in matched}
    if not found:
        # FTS5's porter stemmer matched a form our folding misses: one word's worth.
        return 1 / len(terms) * 0.5, "metadata: a word form"
    confidence = max(effective[name].confidence for name in found)
    best = sorted(found, key=lambda name: -len(found[name]))[:2]
    shown = ", ".join(f"{name} '{_short(effective[name].value)}'" for name in best)
    return len(covered) / len(terms) * confidence, f"metadata: {shown}"


def _short(value: object) -> str:
    text = ", ".join(value) if isinstance(value, list) else str(value)
    return text if len(text) <= WHY_VALUE_CHARS else text[: WHY_VALUE_CHARS - 1] + "…"


class MetadataMeaning:
    """Query-to-metadata meaning over the index's `meta` space (metadata_space.py)."""

    def __init__(self) -> None:
        self._backfilled = False  # the empty-space check ran (once per engine)

    def hits(
        self,
        lookup: SegmentLookup,
        encoder: TextEncoder,
        query_vector: np.ndarray,
        k: int,
        asset_ids: AbstractSet[str] | None,
        vectors: VectorIndex | None = None,
    ) -> list[Hit]:
        if vectors is None or (asset_ids is not None and not asset_ids):
            return []
        metadata_space.sync(
            lookup.catalog,
            vectors,
            encoder,
            metadata_space.SYNC_PER_QUERY,
            backfill=not self._backfilled,
        )
        self._backfilled = True
        nearest = vectors.query(
            metadata_space.SPACE, np.asarray(query_vector, np.float32), k, asset_ids
        )
        prefetch_for_whole_asset_hits(lookup, [asset_id for asset_id, _ in nearest])
        hits: list[Hit] = []
        for asset_id, cosine in nearest:
            score = calibration.text_similarity(cosine, calibration.text_scale(encoder))
            if score < MEANING_MIN_SCORE:
                break  # below the calibration floor is noise, not a match
            asset = lookup.asset(asset_id)
            if asset is not None:
                hits.append(
                    whole_asset_hit(
                        lookup, asset, MEANING_SIGNAL, score, f"metadata meaning {cosine:.2f}"
                    )
                )
        return hits
