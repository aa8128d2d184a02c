"""What the tools of one turn share: the archive, the search engine, this turn's uploads
and filters, the numbered evidence, and every clip any tool returned."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.agent.evidence import EvidenceBook
from assistant.archive import Archive
from assistant.retrieval.outcome import SearchesClips
from assistant.schemas import Clip, Filters


@dataclass
class TurnContext:
    archive: Archive
    engine: SearchesClips
    # This turn's uploads by query modality name (retrieval/modalities.py).
    uploads: dict[str, Path] = field(default_factory=dict)
    filters: Filters = field(default_factory=Filters)
    evidence: EvidenceBook = field(default_factory=EvidenceBook)
    retrieved: list[Clip] = field(default_factory=list)
    # The question as the model should read it when a rule spelled a follow-up out.
    restated: str = ""
    # What the engine heard in an uploaded audio clip, and what it said is off or empty.
    heard: str = ""
    notices: list[str] = field(default_factory=list)
    # Segments of the clip a follow-up reads on from: never returned again as "what next".
    anchor_segments: list[str] = field(default_factory=list)
    # The model's rewordings of the question (a paraphrase), searched too.
    rewrites: list[str] = field(default_factory=list)
    # Evidence number of an answer turn -> that of the spoken question it answers.
    answered: dict[int, int] = field(default_factory=dict)

    def record(self, clips: list[Clip]) -> None:
        """Remember clips a tool returned (Answer.retrieved, what eval scores)."""
        seen = {(c.asset_id, c.start_s, c.end_s, c.page) for c in self.retrieved}
        for clip in clips:
            key = (clip.asset_id, clip.start_s, clip.end_s, clip.page)
            if key not in seen:
                seen.add(key)
                self.retrieved.append(clip)

    def asset_ref(self, evidence: int | None, asset_id: str | None) -> str | None:
        """An asset named by an evidence number [n] (what a small model can copy) or an id."""
        if asset_id:
            return asset_id
        item = self.evidence.get(evidence) if evidence else None
        return item.clip.asset_id if item else None

    def anchor_time(self, evidence: int | None) -> float | None:
        item = self.evidence.get(evidence) if evidence else None
        return item.clip.start_s if item else None
