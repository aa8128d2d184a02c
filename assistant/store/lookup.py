"""Per-query cache of catalog rows: segments and assets behind vector and keyword hits,
and the vector index's answers (an audio query's written and spoken rankings ask the
index the same question: one transcript vector, the same depth, the same assets).

Vector hits are checked here against the catalog: a segment whose asset is not `indexed`
(half-ingested, failed, deleted) is dropped, as docs/internals.md requires.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import Any

import numpy as np

from assistant.schemas import Asset, Hit, Segment
from assistant.store.catalog import Catalog
from assistant.store.vectors.base import VectorIndex

Nearest = list[tuple[str, float]]


class SegmentLookup:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._segments: dict[str, Segment] = {}
        self._assets: dict[str, Asset | None] = {}
        self._metadata: dict[str, dict[str, Any]] = {}
        self._by_asset: dict[tuple[str, str], list[Segment]] = {}
        # (space, k, vector bytes) -> [(the allowed assets asked with, the answer)]: the
        # allowed set is matched by identity, as one query passes the same object around.
        self._nearest: dict[tuple[str, int, bytes], list[tuple[object, Nearest]]] = {}

    def nearest(
        self,
        vectors: VectorIndex,
        space: str,
        vector: np.ndarray,
        k: int,
        asset_ids: AbstractSet[str] | None,
    ) -> Nearest:
        """`vectors.query(...)`, asked of the index once per query (15 ms at 10^6)."""
        asked = self._nearest.setdefault((space, k, vector.tobytes()), [])
        for allowed, answer in asked:
            if allowed is asset_ids:
                return answer
        answer = vectors.query(space, vector, k, asset_ids)
        asked.append((asset_ids, answer))
        return answer

    def asset(self, asset_id: str) -> Asset | None:
        """The asset if it is searchable (indexed), else None."""
        if asset_id not in self._assets:
            found = self.catalog.get_asset(asset_id)
            self._assets[asset_id] = found if found and found.status == "indexed" else None
        return self._assets[asset_id]

    def segments(self, segment_ids: Iterable[str]) -> dict[str, Segment]:
        """Searchable segments among `segment_ids` (unknown or non-indexed ones left out)."""
        ids = list(dict.fromkeys(segment_ids))
        missing = [i for i in ids if i not in self._segments]
        if missing:
            found = self.catalog.segments_by_id(missing)
            self._segments.update(found)
            # Their assets in one query, not one each below (50 reads a ranking at 10^6).
            self.prefetch(segment.asset_id for segment in found.values())
        return {
            i: self._segments[i]
            for i in ids
            if i in self._segments and self.asset(self._segments[i].asset_id) is not None
        }

    def asset_speech(self, asset_id: str) -> list[Segment]:
        return self.asset_segments(asset_id, "speech")

    def asset_segments(self, asset_id: str, kind: str | None) -> list[Segment]:
        """The asset's segments of one kind (all kinds when `kind` is None)."""
        key = (asset_id, kind or "")
        if key not in self._by_asset:
            found = self.catalog.segments(asset_id, kind)
            self._segments.update({segment.segment_id: segment for segment in found})
            self._by_asset[key] = found
        return self._by_asset[key]

    def prefetch(self, asset_ids: Iterable[str], *, segments: bool = False) -> None:
        """Read the assets (and, with `segments`, all their segments) of a ranking in one
        query each, instead of one query per hit."""
        missing = [i for i in dict.fromkeys(asset_ids) if i not in self._assets]
        if missing:
            found = self.catalog.get_assets(missing)
            for asset_id in missing:
                asset = found.get(asset_id)
                self._assets[asset_id] = asset if asset and asset.status == "indexed" else None
        if segments:
            wanted = [i for i in dict.fromkeys(asset_ids) if (i, "") not in self._by_asset]
            for asset_id, found_segments in self.catalog.segments_of(wanted).items():
                self._segments.update({s.segment_id: s for s in found_segments})
                self._by_asset[(asset_id, "")] = found_segments

    def effective_metadata(self, asset_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Effective metadata (MetadataValue per field) of several assets, one query; their
        plain values are kept for `metadata`, so building their clips reads none again."""
        found = self.catalog.effective_metadata_of(asset_ids)
        for asset_id, effective in found.items():
            self._metadata.setdefault(asset_id, _plain(effective))
        return found

    def metadata(self, asset_id: str) -> dict[str, Any]:
        """Effective metadata as plain field -> value."""
        if asset_id not in self._metadata:
            self._metadata[asset_id] = _plain(self.catalog.effective_metadata(asset_id))
        return self._metadata[asset_id]

    def hits(self, scored: list[tuple[str, float, str]], signal: str) -> list[Hit]:
        """(segment_id, calibrated score, detail) best first -> Hits on searchable segments."""
        segments = self.segments(segment_id for segment_id, _, _ in scored)
        return [
            make_hit(segments[segment_id], signal, score, detail)
            for segment_id, score, detail in scored
            if segment_id in segments
        ]


def _plain(effective: dict[str, Any]) -> dict[str, Any]:
    return {name: value.value for name, value in effective.items()}


def make_hit(segment: Segment, signal: str, score: float, detail: str) -> Hit:
    """A hit on the whole of `segment` (its times and text)."""
    return Hit(
        segment_id=segment.segment_id,
        asset_id=segment.asset_id,
        segment_kind=segment.kind,
        signal=signal,
        score=min(1.0, max(0.0, score)),
        detail=detail,
        start_s=segment.start_s,
        end_s=segment.end_s,
        text=segment.text,
    )
