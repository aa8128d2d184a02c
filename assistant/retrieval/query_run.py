"""What a query modality's ranking gets: the query being run, and the engine whose shared
signals (`text_rankings`, `query_vector`, `visual_hits`, `clip_model`, `restrict`) and
pieces it may use, so a modality module never rebuilds what the engine holds."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.retrieval.outcome import SearchOutcome
from assistant.schemas import SearchQuery
from assistant.store.lookup import SegmentLookup

if TYPE_CHECKING:  # the engine runs the modalities: importing it here would be a cycle
    from assistant.retrieval.engine import SearchEngine


@dataclass
class QueryRun:
    """One query as it runs: what every modality's ranking reads and adds notices to."""

    engine: SearchEngine
    lookup: SegmentLookup
    query: SearchQuery
    allowed: AbstractSet[str] | None
    outcome: SearchOutcome

    @property
    def candidates(self) -> int:
        return self.engine.settings.candidates

    def alone(self) -> bool:
        """Whether the upload is the whole query (no text, no other upload): an upload
        that finds nothing is then an error rather than a notice."""
        return not self.query.text.strip() and len(self.query.media) == 1
