"""Accepting and rejecting metadata proposals.

An accepted proposal becomes a metadata value with source "propagated" (or "asr" for what
was heard in the asset's own speech). Curated values (user, sidecar) live in their own
rows and rank first (store/metadata_rules.py), so accepting never overwrites them.
"""

from __future__ import annotations

from assistant.enrich.propagate import Proposal, pending_proposals
from assistant.errors import AssistantError
from assistant.schemas import MetadataValue
from assistant.store.catalog import Catalog
from assistant.vocabulary.sources import CURATED_SOURCES, MetadataSource

# Proposal methods whose values were heard in the asset itself, not copied from another.
HEARD_METHODS = {"speech-entities", "speech-topics"}
LIST_FIELDS = {"people", "topics"}


def _pending(catalog: Catalog, proposal_id: int, action: str) -> Proposal:
    """The pending proposal `proposal_id`, to be `action` ("accepted", "rejected")."""
    for proposal in pending_proposals(catalog, status=None):
        if proposal.proposal_id != proposal_id:
            continue
        if proposal.status != "pending":
            raise AssistantError(
                f"Proposal {proposal_id} is already {proposal.status}.",
                hint=f"Only pending proposals can be {action}.",
            )
        return proposal
    raise AssistantError(
        f"No proposal {proposal_id}.", hint="List them with `assistant metadata review`."
    )


def _source(proposal: Proposal) -> MetadataSource:
    return "asr" if proposal.provenance.method in HEARD_METHODS else "propagated"


def _merged(catalog: Catalog, proposal: Proposal, source: MetadataSource) -> object:
    """List fields gather every accepted item (one proposal per person or topic)."""
    if proposal.field not in LIST_FIELDS or not isinstance(proposal.value, list):
        return proposal.value
    current = [
        v
        for v in catalog.metadata(proposal.asset_id)
        if v.field == proposal.field and v.source == source
    ]
    have = current[0].value if current and isinstance(current[0].value, list) else []
    return list(dict.fromkeys([*map(str, have), *map(str, proposal.value)]))


def accept(catalog: Catalog, proposal_id: int) -> MetadataValue:
    proposal = _pending(catalog, proposal_id, "accepted")
    source = _source(proposal)
    value = MetadataValue(
        field=proposal.field,
        value=_merged(catalog, proposal, source),  # type: ignore[arg-type]
        source=source,
        confidence=proposal.confidence,
        provenance=proposal.provenance,
    )
    catalog.set_metadata(proposal.asset_id, [value])
    catalog.set_proposal_status(proposal_id, "accepted")
    return value


def reject(catalog: Catalog, proposal_id: int) -> None:
    _pending(catalog, proposal_id, "rejected")
    catalog.set_proposal_status(proposal_id, "rejected")


def apply_above(catalog: Catalog, threshold: float) -> list[Proposal]:
    """Accept pending proposals at or above `threshold`, most confident first. A
    single-valued field that has a value by then (curated, or an earlier proposal) is
    left for review rather than replaced."""
    accepted = []
    for proposal in pending_proposals(catalog):
        if proposal.confidence < threshold:
            continue
        current = catalog.effective_metadata(proposal.asset_id).get(proposal.field)
        if current is not None and (
            proposal.field not in LIST_FIELDS or current.source in CURATED_SOURCES
        ):
            continue
        accept(catalog, proposal.proposal_id)
        accepted.append(proposal)
    return accepted


def decide(catalog: Catalog, proposal_id: int, accepted: bool) -> None:
    """Accept or reject one proposal (the shape the UI's review tab takes)."""
    if accepted:
        accept(catalog, proposal_id)
    else:
        reject(catalog, proposal_id)
