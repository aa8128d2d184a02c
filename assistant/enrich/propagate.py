"""Metadata propagation: an asset missing a curated field (place, date, people, ...) gets
the value of a catalogued asset it strongly matches — a copy or crop of the same photo, a
frame of the same video, the same speech — proposed with a confidence and provenance.

Proposals are stored apart from metadata (catalog.add_proposal) until a person accepts
them (enrich/review.py); accepted values have source "propagated" and never hide a
curated value (store/metadata_rules.py ranks sources). People, places and topics heard
in the asset's own speech are proposed alongside (enrich/entities.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from assistant.archive import Archive
from assistant.enrich import entities
from assistant.enrich.matching import Match, passage_matches, visual_matches
from assistant.errors import AssistantError
from assistant.models.base import TextEncoder
from assistant.schemas import CURATED_FIELDS, Asset, MetadataValue, Provenance
from assistant.store.catalog import Catalog
from assistant.store.vectors.base import VectorIndex
from assistant.vocabulary.sources import SOURCE_TRUST

# How likely a field carries over between two assets of a kind of match. A copy of a photo
# was taken where and when the original was; a crop may leave people out of frame; the
# same speech rebroadcast may air on a later date.
FIELD_WEIGHTS: dict[str, dict[str, float]] = {
    "near-duplicate": {
        "date": 0.95,
        "place": 0.95,
        "people": 0.9,
        "topics": 0.9,
        "description": 0.85,
        "title": 0.8,
        "rights": 0.8,
        "source": 0.75,
    },
    "crop": {
        "date": 0.95,
        "place": 0.95,
        "people": 0.75,
        "topics": 0.85,
        "description": 0.7,
        "rights": 0.8,
    },
    "shared-passage": {"date": 0.8, "place": 0.85, "people": 0.85, "topics": 0.9},
}


class Proposal(BaseModel):
    """A stored proposal as shown for review."""

    proposal_id: int
    asset_id: str
    rel_path: str
    field: str
    value: Any
    confidence: float
    provenance: Provenance
    status: str


def missing_fields(catalog: Catalog, asset_id: str) -> set[str]:
    return set(CURATED_FIELDS) - set(catalog.effective_metadata(asset_id))


def donors(catalog: Catalog, fields: set[str]) -> dict[str, dict[str, MetadataValue]]:
    """Indexed assets holding a trusted value for any of `fields`, with those values."""
    found: dict[str, dict[str, MetadataValue]] = {}
    for asset_id, values in catalog.all_effective_metadata().items():
        given = {
            name: value
            for name, value in values.items()
            if name in fields and value.source in SOURCE_TRUST
        }
        if given:
            found[asset_id] = given
    return found


def values_from_match(
    match: Match, given: dict[str, MetadataValue], rel_path: str
) -> list[MetadataValue]:
    weights = FIELD_WEIGHTS[match.method]
    return [
        MetadataValue(
            field=name,
            value=value.value,
            source="propagated",
            confidence=round(match.similarity * weights[name] * SOURCE_TRUST[value.source], 3),
            provenance=Provenance(
                source_assets=[match.asset_id],
                method=match.method,
                similarity=round(match.similarity, 3),
                note=f"{name} of {rel_path} ({value.source}); {match.note}",
            ),
        )
        for name, value in given.items()
        if name in weights
    ]


def _strongest(values: list[MetadataValue]) -> list[MetadataValue]:
    """One proposal per (field, value): the most confident, crediting every asset that
    gave the same value."""
    best: dict[tuple[str, str], MetadataValue] = {}
    for value in sorted(values, key=lambda v: v.confidence, reverse=True):
        key = (value.field, json.dumps(value.value, sort_keys=True))
        if key not in best:
            best[key] = value
        elif value.provenance and best[key].provenance:
            kept = best[key].provenance
            assert kept is not None
            extra = [a for a in value.provenance.source_assets if a not in kept.source_assets]
            kept.source_assets.extend(extra)
    return list(best.values())


def _asset(catalog: Catalog, asset_id: str) -> Asset:
    asset = catalog.get_asset(asset_id)
    if asset is None or asset.status != "indexed":
        raise AssistantError(
            f"No indexed asset {asset_id} in the archive.",
            hint="Use an asset id from a search result or `assistant search`.",
        )
    return asset


class Propagation:
    """Proposals from the pieces the matches are found with: the catalog, the vector
    index ("text" space), the text encoder when one is configured (given on first use;
    None: passages match by keywords) and the data dir (thumbnails)."""

    def __init__(
        self,
        catalog: Catalog,
        vectors: VectorIndex,
        text: Callable[[], TextEncoder] | None,
        data_dir: Path,
    ) -> None:
        self.catalog = catalog
        self.vectors = vectors
        self.text = text
        self.data_dir = data_dir

    def for_asset(self, asset_id: str, store: bool = True) -> list[MetadataValue]:
        """Values proposed for the curated fields this asset lacks, best first; stored as
        pending proposals unless `store` is False."""
        catalog = self.catalog
        asset = _asset(catalog, asset_id)
        missing = missing_fields(catalog, asset_id)
        if not missing:
            return []
        givers = donors(catalog, missing)
        givers.pop(asset_id, None)
        proposed: list[MetadataValue] = []
        for match in [
            *visual_matches(catalog, self.data_dir, asset, set(givers)),
            *passage_matches(catalog, self.vectors, self.text, asset, set(givers)),
        ]:
            donor = catalog.get_asset(match.asset_id)
            proposed += values_from_match(
                match, givers[match.asset_id], donor.rel_path if donor else match.asset_id
            )
        proposed += entities.speech_proposals(catalog, self.text, asset, missing)
        proposed = sorted(_strongest(proposed), key=lambda v: v.confidence, reverse=True)
        if store:
            for value in proposed:
                catalog.add_proposal(asset_id, value)
        return proposed

    def for_all(self) -> list[Proposal]:
        """Propose for every indexed asset that lacks a curated field; all pending ones."""
        for asset in self.catalog.assets():
            if missing_fields(self.catalog, asset.asset_id):
                self.for_asset(asset.asset_id)
        return pending_proposals(self.catalog)


def propagation(archive: Archive) -> Propagation:
    """The door for callers holding an opened archive."""
    text = archive.models.text if archive.models.available("text") else None
    return Propagation(archive.catalog, archive.vectors, text, archive.settings.data_dir)


def propose_for_asset(archive: Archive, asset_id: str, store: bool = True) -> list[MetadataValue]:
    return propagation(archive).for_asset(asset_id, store)


def pending_proposals(catalog: Catalog, status: str | None = "pending") -> list[Proposal]:
    paths = {a.asset_id: a.rel_path for a in catalog.assets(status=None)}
    return [
        Proposal(
            proposal_id=row["proposal_id"],
            asset_id=row["asset_id"],
            rel_path=paths.get(row["asset_id"], row["asset_id"]),
            field=row["field"],
            value=row["value"],
            confidence=row["confidence"],
            provenance=Provenance.model_validate(row["provenance"]),
            status=row["status"],
        )
        for row in catalog.proposals(status)
    ]


def propose_all(archive: Archive) -> list[Proposal]:
    return propagation(archive).for_all()


# The name docs/internals.md pins for the whole-archive pass.
propose = propose_all
