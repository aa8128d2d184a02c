"""The agent's tools, as LangChain tools: typed arguments (pydantic args_schema) and
descriptions that tell a model when to use each.

Every tool works on the turn's TurnContext: results become numbered evidence (the only
thing an answer may cite) and clips a search returned are recorded for Answer.retrieved.
The tool's return value is a short text a model (or a LangChain agent) can read.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from langchain_core.tools import BaseTool
from pydantic import BaseModel, Field

from assistant.agent.evidence import clip_label, clip_text
from assistant.agent.passages import asset_clip, passage_clip
from assistant.agent.speakers import add_answer_turns
from assistant.agent.turn import TurnContext
from assistant.enrich.propagate import propose_for_asset
from assistant.enrich.visual import visual_question
from assistant.errors import AssistantError
from assistant.retrieval.modalities import MODALITIES, QueryModality
from assistant.schemas import Clip, Filters, MetadataValue, SearchQuery
from assistant.vocabulary.kinds import MediaKind
from assistant.vocabulary.timefmt import clock
from assistant.vocabulary.tools import (
    LOOKUP_METADATA,
    PROPOSE_METADATA,
    SEARCH_ARCHIVE,
    VISUAL_QUESTION,
)

_MAX_LISTED = 8


class _AssetArgs(BaseModel):
    evidence: int | None = Field(
        default=None, description="Number n of an evidence item [n] already found this turn."
    )
    asset_id: str | None = Field(default=None, description="An asset id, if known exactly.")


class SearchArchiveArgs(BaseModel):
    query: str = Field(description="What to look for, in plain words (people, events, quotes).")
    kind: list[MediaKind] | None = Field(
        default=None, description="Only these media kinds: image, video, audio, document."
    )
    date_from: date | None = Field(default=None, description="Earliest date (ISO).")
    date_to: date | None = Field(default=None, description="Latest date (ISO).")
    place: str | None = Field(default=None, description="Place named in the metadata.")
    people: list[str] | None = Field(default=None, description="People in the metadata.")
    topics: list[str] | None = Field(default=None, description="Topics in the metadata.")
    source: str | None = Field(default=None, description="Source or publisher.")
    evidence: int | None = Field(
        default=None, description="Search only inside the file of evidence item [n]."
    )
    asset_id: str | None = Field(default=None, description="Search only inside this asset.")
    after_s: float | None = Field(
        default=None, description="With evidence/asset_id: read what comes after this second."
    )
    before_s: float | None = Field(
        default=None, description="With evidence/asset_id: read what comes before this second."
    )


class UploadSearchArgs(BaseModel):
    query: str = Field(default="", description="Optional words to combine with the upload.")
    kind: list[MediaKind] | None = Field(
        default=None, description="Only these media kinds: image, video, audio, document."
    )


class VisualQuestionArgs(_AssetArgs):
    question: str = Field(description="The question about what is visible.")
    at_s: float | None = Field(
        default=None, description="For a video: the second of the frame to look at."
    )


class ArchiveTool(BaseTool):
    """Base: holds the turn context the tool reads and writes."""

    # Any: pydantic cannot build a validator for the context's protocol-typed fields.
    ctx: Any = Field(exclude=True)

    @property
    def turn(self) -> TurnContext:
        return cast(TurnContext, self.ctx)

    def _add_clips(self, clips: list[Clip], searched: str = "") -> str:
        """Record the clips as evidence; the first line says what was searched and found
        ("searched 'energy prices' → 5 clips, best press/briefing.mp4 00:07")."""
        self.turn.record(clips)
        items = [
            self.turn.evidence.add(clip, clip_text(clip), self.name, rank=rank)
            for rank, clip in enumerate(clips)
        ]
        add_answer_turns(self.turn, items, self.name)
        notes = "".join(f"Note: {notice}\n" for notice in self.turn.notices)
        heard = f'Heard in the upload: "{self.turn.heard}"\n' if self.turn.heard else ""
        head = searched or self.name.replace("_", " ")
        if not items:
            return f"{head} → no matching clips\n{heard}{notes}".rstrip()
        best = items[0].clip
        where = clock(best.start_s) if best.start_s is not None else ""
        headline = (
            f"{head} → {len(items)} clip{'s' if len(items) > 1 else ''}, "
            f"best {best.file}{' ' + where if where else ''} ({best.score:.2f})"
        )
        lines = [
            f"[{item.n}] {clip_label(item.clip)}: {item.text[:160]}" for item in items[:_MAX_LISTED]
        ]
        return f"{headline}\n{heard}{notes}" + "\n".join(lines)

    def _search(self, query: SearchQuery) -> list[Clip]:
        """The engine's clips, with what it heard in an audio query and its notices (e.g.
        visual search is off), which the model and user should see."""
        outcome = self.turn.engine.run(query)
        if outcome.transcript:  # only a query with speech in an upload has one
            self.turn.heard = outcome.transcript
        self.turn.notices.extend(n for n in outcome.notices if n not in self.turn.notices)
        return list(outcome.clips)

    def _filters(self, **given: Any) -> Filters:
        """The turn's filters (from the user) with the tool call's own filters on top."""
        base = self.turn.filters.model_dump(exclude_none=True)
        base.update({name: value for name, value in given.items() if value not in (None, [])})
        return Filters.parse(base)

    def _asset(self, evidence: int | None, asset_id: str | None) -> str:
        found = self.turn.asset_ref(evidence, asset_id)
        if found is None or self.turn.archive.catalog.get_asset(found) is None:
            raise AssistantError(
                f"No asset for evidence [{evidence}]" if evidence else f"Unknown asset {asset_id}",
                hint="Name an evidence number [n] found this turn, or a real asset id.",
            )
        return found


class SearchArchiveTool(ArchiveTool):
    name: str = SEARCH_ARCHIVE
    description: str = (
        "Search the archive's photos, video, audio and documents by meaning and keywords. "
        "Use it for any question about what is in the archive: who said what, events, "
        "places, quotes. Optional filters narrow by kind, date, place, people, topics, "
        "source. With evidence=n it searches only inside that file; add after_s or "
        "before_s to read what was said after or before a moment (follow-up questions)."
    )
    args_schema: type[BaseModel] = SearchArchiveArgs

    def _run(
        self,
        query: str,
        evidence: int | None = None,
        asset_id: str | None = None,
        after_s: float | None = None,
        before_s: float | None = None,
        **filters: Any,
    ) -> str:
        target = self.turn.asset_ref(evidence, asset_id)
        if target is not None:
            return self._within(target, query, after_s, before_s, filters)
        k = self.turn.archive.settings.search.k
        clips = self._search(SearchQuery(text=query, filters=self._filters(**filters), k=k))
        return self._add_clips(clips, f"searched '{_short(query)}'")

    def _within(
        self,
        asset_id: str,
        query: str,
        after_s: float | None,
        before_s: float | None,
        filters: dict[str, Any],
    ) -> str:
        archive = self.turn.archive
        if after_s is not None or before_s is not None or not query.strip():
            clip = passage_clip(
                archive,
                asset_id,
                after_s=after_s,
                before_s=before_s,
                skip=self.turn.anchor_segments,
            )
            moment = (
                f"after {clock(after_s)}"
                if after_s is not None
                else f"before {clock(before_s)}"
                if before_s is not None
                else "from the start"
            )
            return self._add_clips([clip] if clip else [], f"read on {moment}")
        wide = archive.settings.search.candidates
        clips = self._search(SearchQuery(text=query, filters=self._filters(**filters), k=wide))
        inside = [clip for clip in clips if clip.asset_id == asset_id]
        if not inside:
            clip = passage_clip(archive, asset_id)
            inside = [clip] if clip else []
        return self._add_clips(
            inside[: archive.settings.search.k], f"searched '{_short(query)}' inside one file"
        )


class UploadSearchTool(ArchiveTool):
    """search_by_<modality>: the turn's upload of one query modality (one tool each)."""

    modality: QueryModality = Field(exclude=True)
    args_schema: type[BaseModel] = UploadSearchArgs

    def _run(self, query: str = "", kind: list[MediaKind] | None = None) -> str:
        name = self.modality.name
        upload = self.turn.uploads.get(name)
        if upload is None:
            return f"No {name} was uploaded this turn; use search_archive instead."
        k = self.turn.archive.settings.search.k
        return self._add_clips(
            self._search(
                SearchQuery(text=query, media={name: upload}, filters=self._filters(kind=kind), k=k)
            ),
            self.modality.searched,
        )


class VisualQuestionTool(ArchiveTool):
    name: str = VISUAL_QUESTION
    description: str = (
        "Ask a question about what is visible in an image, or in a video frame at a given "
        "second (colours, objects, how many people, what a sign says). Use it when the "
        "answer depends on looking at a picture found as evidence [n]."
    )
    args_schema: type[BaseModel] = VisualQuestionArgs

    def _run(
        self,
        question: str,
        evidence: int | None = None,
        asset_id: str | None = None,
        at_s: float | None = None,
    ) -> str:
        target = self._asset(evidence, asset_id)
        when = at_s if at_s is not None else self.turn.anchor_time(evidence)
        if not self.turn.archive.models.available("vqa"):
            return (
                "Visual questions are off: no visual-QA weights are configured "
                "(models.vqa); answer from the other evidence."
            )
        try:
            reply = visual_question(self.turn.archive, target, question, when)
        except AssistantError as exc:
            return f"The visual question could not be answered: {exc.message}"
        clip = asset_clip(self.turn.archive, target, when)
        assert clip is not None
        moment = f" at {clock(when)}" if when is not None and clip.start_s is not None else ""
        item = self.turn.evidence.add(
            clip, f"Looking at {clip.file}{moment}, asked '{question}': {reply}", self.name
        )
        return f"[{item.n}] {reply}"


class LookupMetadataTool(ArchiveTool):
    name: str = LOOKUP_METADATA
    description: str = (
        "Everything known about one file: its kind, length, size, and every metadata value "
        "(title, date, place, people, source, rights...) with where each came from "
        "(sidecar, EXIF, speech recognition, propagated...). Use it for questions about "
        "when, where, by whom or from which source an item [n] was made."
    )
    args_schema: type[BaseModel] = _AssetArgs

    def _run(self, evidence: int | None = None, asset_id: str | None = None) -> str:
        target = self._asset(evidence, asset_id)
        asset = self.turn.archive.catalog.get_asset(target)
        assert asset is not None
        facts = [f"kind {asset.kind}"]
        if asset.duration_s:
            facts.append(f"length {clock(asset.duration_s)}")
        if asset.width and asset.height:
            facts.append(f"{asset.width}x{asset.height} px")
        facts += [_describe(value) for value in self.turn.archive.catalog.metadata(target)]
        clip = asset_clip(self.turn.archive, target)
        assert clip is not None
        item = self.turn.evidence.add(
            clip, f"Metadata of {asset.rel_path}: " + "; ".join(facts), self.name
        )
        return f"[{item.n}] {item.text}"


class ProposeMetadataTool(ArchiveTool):
    name: str = PROPOSE_METADATA
    description: str = (
        "Suggest missing metadata for a file [n] from similar, already described files "
        "(propagation). The suggestions are proposals with their provenance, never facts: "
        "use it only when the user asks what a file's missing metadata might be."
    )
    args_schema: type[BaseModel] = _AssetArgs

    def _run(self, evidence: int | None = None, asset_id: str | None = None) -> str:
        target = self._asset(evidence, asset_id)
        values = propose_for_asset(self.turn.archive, target)
        if not values:
            return "No proposals: no similar described file was found."
        clip = asset_clip(self.turn.archive, target)
        assert clip is not None
        text = f"Proposed (not confirmed) metadata for {clip.file}: " + "; ".join(
            _describe(value) for value in values
        )
        item = self.turn.evidence.add(clip, text, self.name)
        return f"[{item.n}] {text}"


def _short(query: str, limit: int = 40) -> str:
    query = " ".join(query.split())
    return query if len(query) <= limit else query[: limit - 1] + "…"


def _describe(value: MetadataValue) -> str:
    shown = ", ".join(value.value) if isinstance(value.value, list) else str(value.value)
    origin: str = value.source
    if value.provenance is not None:
        sources = ", ".join(value.provenance.source_assets[:3])
        origin += f" via {value.provenance.method}" + (f" from {sources}" if sources else "")
    confidence = f", confidence {value.confidence:.2f}" if value.confidence < 1 else ""
    return f"{value.field}: {shown} ({origin}{confidence})"


TOOL_CLASSES: tuple[type[ArchiveTool], ...] = (
    SearchArchiveTool,
    VisualQuestionTool,
    LookupMetadataTool,
    ProposeMetadataTool,
)


def build_tools(ctx: TurnContext) -> dict[str, ArchiveTool]:
    """Search, one search_by_<name> per query modality, then the other tools."""
    search, *others = [cls(ctx=ctx) for cls in TOOL_CLASSES]  # type: ignore[call-arg]
    uploads = [
        UploadSearchTool(ctx=ctx, name=m.tool, description=m.tool_help, modality=m)
        for m in MODALITIES
    ]
    return {tool.name: tool for tool in (search, *uploads, *others)}
