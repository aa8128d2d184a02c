"""What the MCP tools do, without MCP: typed results over the search engine, the catalog and
the chat agent. The server (server.py) only names and describes these methods."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, Field

from assistant.agent.asking import AnswersQuestions
from assistant.errors import AssistantError
from assistant.mcp_server.links import clip_link
from assistant.retrieval.outcome import SearchesClips
from assistant.schemas import Clip, Filters, MetadataValue, SearchQuery, Segment
from assistant.vocabulary.kinds import OWN_WORDS_KINDS
from assistant.vocabulary.timefmt import span

FACET_FIELDS = ("place", "people", "topics", "source")


class ReadsCatalog(Protocol):
    def get_asset(self, asset_id: str) -> Any: ...
    def segments(self, asset_id: str, kind: str | None = None) -> list[Segment]: ...
    def effective_metadata(self, asset_id: str) -> dict[str, MetadataValue]: ...
    def counts(self) -> dict[str, dict[str, int]]: ...
    def facet_values(self, field: str, limit: int = 50) -> list[tuple[str, int]]: ...


class ClipResult(BaseModel):
    """One clip, as a reporter's assistant shows it: where, when, why, and a link to play."""

    file: str
    asset_id: str
    kind: str
    start_s: float | None = None
    end_s: float | None = None
    timecode: str = ""
    score: float
    snippet: str = ""
    why: list[str] = Field(default_factory=list)
    link: str
    metadata: dict[str, Any] = Field(default_factory=dict)


class SearchResult(BaseModel):
    clips: list[ClipResult]
    notices: list[str] = Field(default_factory=list)
    heard: str = ""  # what an audio query was transcribed as


class TranscriptLine(BaseModel):
    start_s: float | None = None
    end_s: float | None = None
    timecode: str = ""
    kind: str
    text: str


class ClipDetail(BaseModel):
    asset_id: str
    file: str
    kind: str
    link: str
    metadata: dict[str, Any]
    transcript: list[TranscriptLine]


class AskResult(BaseModel):
    answer: str
    abstained: bool
    citations: list[ClipResult]
    nearest: list[ClipResult] = Field(default_factory=list)


class FacetValue(BaseModel):
    value: str
    assets: int


class Facets(BaseModel):
    kinds: dict[str, int]
    values: dict[str, list[FacetValue]]
    filters: list[str]


class ArchiveToolbox:
    def __init__(
        self,
        engine: SearchesClips,
        catalog: ReadsCatalog,
        session_factory: Callable[[], AnswersQuestions],
        media_base_url: str | None = None,
    ) -> None:
        self.engine = engine
        self.catalog = catalog
        self.session_factory = session_factory
        self.media_base_url = media_base_url

    def search(
        self,
        query: str = "",
        filters: dict[str, Any] | None = None,
        k: int = 10,
        media: dict[str, str] | None = None,
    ) -> SearchResult:
        """`media`: files on this machine by query modality name ({"image": path})."""
        search_query = SearchQuery(
            text=query,
            media={
                name: found
                for name, path in (media or {}).items()
                if (found := _existing(path)) is not None
            },
            filters=Filters.parse(filters or {}),
            k=k,
        )
        outcome = self.engine.run(search_query)
        return SearchResult(
            clips=[self.clip_result(clip) for clip in outcome.clips],
            notices=list(outcome.notices),
            heard=outcome.transcript,
        )

    def get_clip(
        self, asset_id: str, at_s: float | None = None, window_s: float = 30.0
    ) -> ClipDetail:
        asset = self.catalog.get_asset(asset_id)
        if asset is None:
            raise AssistantError(
                f"No asset {asset_id} in the archive.", hint="Use an asset_id from a search result."
            )
        lines = [
            _line(segment)
            for segment in self._timed_text(asset_id)
            if _near(segment, at_s, window_s)
        ]
        start = None if at_s is None else max(0.0, at_s - window_s)
        return ClipDetail(
            asset_id=asset_id,
            file=asset.rel_path,
            kind=asset.kind,
            link=clip_link(asset.path, start, None, self.media_base_url),
            metadata=self._metadata(asset_id),
            transcript=lines,
        )

    def ask(self, question: str, filters: dict[str, Any] | None = None) -> AskResult:
        chosen = Filters.parse(filters or {})
        answer = self.session_factory().ask(question, filters=chosen)
        return AskResult(
            answer=answer.text,
            abstained=answer.abstained,
            citations=[self.clip_result(citation.clip) for citation in answer.citations],
            nearest=[self.clip_result(clip) for clip in answer.nearest],
        )

    def facets(self, limit: int = 50) -> Facets:
        kinds = self.catalog.counts()["by_kind"]
        values = {
            field: [
                FacetValue(value=value, assets=n)
                for value, n in self.catalog.facet_values(field, limit)
            ]
            for field in FACET_FIELDS
        }
        return Facets(kinds=kinds, values=values, filters=sorted(Filters.model_fields))

    def clip_result(self, clip: Clip) -> ClipResult:
        return ClipResult(
            file=clip.file,
            asset_id=clip.asset_id,
            kind=clip.kind,
            start_s=clip.start_s,
            end_s=clip.end_s,
            timecode=span(clip.start_s, clip.end_s),
            score=clip.score,
            snippet=clip.snippet,
            why=clip.why,
            link=clip_link(clip.path, clip.start_s, clip.end_s, self.media_base_url),
            metadata=self._metadata(clip.asset_id),
        )

    def _metadata(self, asset_id: str) -> dict[str, Any]:
        return {
            name: value.value for name, value in self.catalog.effective_metadata(asset_id).items()
        }

    def _timed_text(self, asset_id: str) -> list[Segment]:
        segments = [s for s in self.catalog.segments(asset_id) if s.kind in OWN_WORDS_KINDS]
        return sorted(segments, key=lambda s: (s.start_s or 0.0, s.char_start or 0))


def _existing(path: str | None) -> Path | None:
    if path is None or not path.strip():
        return None
    found = Path(path).expanduser()
    if not found.is_file():
        raise AssistantError(
            f"{path} is not a file on this machine.",
            hint="Give the full path of the picture or recording to search by.",
        )
    return found


def _near(segment: Segment, at_s: float | None, window_s: float) -> bool:
    if at_s is None or segment.start_s is None:
        return True
    end = segment.end_s if segment.end_s is not None else segment.start_s
    return end >= at_s - window_s and segment.start_s <= at_s + window_s


def _line(segment: Segment) -> TranscriptLine:
    return TranscriptLine(
        start_s=segment.start_s,
        end_s=segment.end_s,
        timecode=span(segment.start_s, segment.end_s),
        kind=segment.kind,
        text=segment.text,
    )
