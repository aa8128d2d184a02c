"""What a query modality's ranking gets from the engine: the query being run and the
engine's shared signals (text, CLIP), so a modality module never reaches into the engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.archive import Archive
from assistant.models.base import ImageTextEncoder
from assistant.retrieval.outcome import SearchOutcome
from assistant.schemas import Filters, Hit, SearchQuery
from assistant.similarity.hash_index import HashIndex
from assistant.store.lookup import SegmentLookup


class Ranker(Protocol):
    """The engine's parts a modality's ranking uses."""

    archive: Archive
    hashes: HashIndex

    def text_rankings(
        self,
        lookup: SegmentLookup,
        text: str,
        allowed: set[str] | None,
        outcome: SearchOutcome,
        kinds: set[str] | None = None,
        *,
        visual: bool = True,
    ) -> dict[str, list[Hit]]: ...

    def visual_hits(
        self,
        lookup: SegmentLookup,
        vector: np.ndarray,
        n: int,
        allowed: set[str] | None,
        signal: str,
    ) -> list[Hit]: ...

    def clip_model(self, outcome: SearchOutcome) -> ImageTextEncoder | None: ...

    def restrict(
        self, filters: Filters, allowed: set[str] | None, kinds: tuple[str, ...]
    ) -> set[str] | None: ...


@dataclass
class QueryRun:
    """One query as it runs: what every modality's ranking reads and adds notices to."""

    engine: Ranker
    lookup: SegmentLookup
    query: SearchQuery
    allowed: set[str] | None
    outcome: SearchOutcome

    @property
    def candidates(self) -> int:
        return self.engine.archive.settings.search.candidates

    def alone(self) -> bool:
        """Whether the upload is the whole query (no text, no other upload): an upload
        that finds nothing is then an error rather than a notice."""
        return not self.query.text.strip() and len(self.query.media) == 1
