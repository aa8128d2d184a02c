"""Metadata signals: the query against each asset's curated and file metadata.

- `metadata` (keywords): FTS5 over catalog.metadata_text finds and orders the assets
  (bm25); the score is the share of the query's content words found in the metadata (as
  for the keyword signal), times the confidence of the fields that matched (a propagated
  guess counts less than a sidecar). `why` names the fields: "metadata: place 'Leuven'".
- `metadata_meaning`: the sentence encoder's cosine between the query and each asset's
  metadata gist (title, description, people, place, topics, music words), calibrated like
  `text_vector`. Gists are embedded lazily and cached per asset and gist text, so an edit
  re-embeds only that asset. Above MEANING_MAX_ASSETS gists the brute-force pass is
  skipped (keywords still work): a persistent vector index would be needed there.

Both are asset-level: hits anchor where the asset starts (whole_asset.py).
"""

from __future__ import annotations

import numpy as np

from assistant.models.base import TextEncoder
from assistant.retrieval import calibration
from assistant.retrieval.keywords import content_terms, matched_terms
from assistant.retrieval.lookup import SegmentLookup
from assistant.retrieval.whole_asset import whole_asset_hit
from assistant.schemas import Hit, MetadataValue
from assistant.store.metadata_text import searchable_fields

SIGNAL = "metadata"
MEANING_SIGNAL = "metadata_meaning"
# Gists embedded by brute force per query at most (about 2 s to embed them all once on
# 2 busy cores; later queries reuse the cache).
MEANING_MAX_ASSETS = 2000
# Calibrated meaning below this is noise (calibration.py): not worth a whole-asset clip.
MEANING_MIN_SCORE = 0.2
# Field values shown in `why` are cut to this length.
WHY_VALUE_CHARS = 60


def metadata_hits(
    lookup: SegmentLookup, text: str, k: int, asset_ids: set[str] | None
) -> list[Hit]:
    """Assets whose metadata holds the query's words, best first."""
    terms = content_terms(text)
    if not terms:
        return []
    scored: list[tuple[float, Hit]] = []
    for asset_id, _ in lookup.catalog.metadata_search(" ".join(terms), k, asset_ids):
        asset = lookup.asset(asset_id)
        if asset is None:
            continue
        effective = lookup.catalog.effective_metadata(asset_id)
        score, detail = _match(terms, effective)
        scored.append((score, whole_asset_hit(lookup, asset, SIGNAL, score, detail)))
    # bm25 found them; coverage x confidence is the calibrated order.
    scored.sort(key=lambda pair: -pair[0])
    return [hit for _, hit in scored]


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
    """Query-to-metadata meaning with a per-asset embedding cache (lives with the engine)."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[str, np.ndarray]] = {}

    def hits(
        self, lookup: SegmentLookup, encoder: TextEncoder, query_vector: np.ndarray, k: int,
        asset_ids: set[str] | None,
    ) -> list[Hit]:
        gists = lookup.catalog.metadata_gists(asset_ids)
        if not gists or len(gists) > MEANING_MAX_ASSETS:
            return []
        ids = sorted(gists)
        matrix = self._vectors(encoder, ids, gists)
        cosines = matrix @ np.asarray(query_vector, dtype=np.float32)
        hits: list[Hit] = []
        for row in np.argsort(-cosines):
            score = calibration.text_similarity(float(cosines[row]))
            if score < MEANING_MIN_SCORE or len(hits) >= k:
                break  # below the calibration floor is noise, not a match
            asset = lookup.asset(ids[row])
            if asset is not None:
                hits.append(whole_asset_hit(lookup, asset, MEANING_SIGNAL, score,
                                            f"metadata meaning {cosines[row]:.2f}"))
        return hits

    def _vectors(self, encoder: TextEncoder, ids: list[str], gists: dict[str, str]) -> np.ndarray:
        stale = [i for i in ids if i not in self._cache or self._cache[i][0] != gists[i]]
        if stale:
            fresh = encoder.encode_passages([gists[i] for i in stale])
            for asset_id, vector in zip(stale, fresh, strict=True):
                self._cache[asset_id] = (gists[asset_id], np.asarray(vector, dtype=np.float32))
        return np.stack([self._cache[i][1] for i in ids])
