"""Pydantic types that cross boundaries: store <-> ingest <-> retrieval <-> agent <-> UI/CLI/eval.

Contracts (see shared/DESIGN.md):
- asset_id: first 16 hex chars of the SHA-256 of the file's bytes.
- segment_id: f"{asset_id}:{kind}:{index}".
- time in seconds (float), start_s <= end_s; images have neither.
- scores shown to users are in [0, 1] and comparable across modalities within one query.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from assistant.errors import AssistantError
from assistant.vocabulary.kinds import MediaKind, SegmentKind
from assistant.vocabulary.sources import MetadataSource

# Fields with a meaning across the app; sidecars may add any others.
CURATED_FIELDS = ("title", "date", "place", "people", "topics", "source", "rights", "description")


def make_segment_id(asset_id: str, kind: str, index: int) -> str:
    return f"{asset_id}:{kind}:{index}"


class Provenance(BaseModel):
    """Where a propagated or inferred value came from."""

    source_assets: list[str] = Field(default_factory=list)
    method: str
    similarity: float | None = None
    note: str = ""


class MetadataValue(BaseModel):
    field: str
    # A string, a number, or a list of strings (people, topics).
    value: str | float | int | list[str]
    source: MetadataSource
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    provenance: Provenance | None = None


class WordTiming(BaseModel):
    start_s: float
    end_s: float
    text: str


class Segment(BaseModel):
    segment_id: str
    asset_id: str
    kind: SegmentKind
    index: int
    start_s: float | None = None
    end_s: float | None = None
    text: str = ""
    # Documents: character offsets into the extracted text, and the page (1-based) if any.
    char_start: int | None = None
    char_end: int | None = None
    page: int | None = None
    words: list[WordTiming] = Field(default_factory=list)
    # Visual segments: a thumbnail file under the data dir and a perceptual hash (hex).
    thumbnail: str | None = None
    phash: str | None = None
    # Visual segments stored without a CLIP vector (no weights) say so; a later run fills them.
    embedded: bool = True
    # ISO 639-1 code of the segment's language (speech: Whisper's; written text: the text
    # detector's); None when unknown (pictures, text too short to tell).
    language: str | None = None
    # Speech: the asset's speaker label (S1, S2, ...; diarization/speakers.py), None if unknown.
    speaker: str | None = None

    @classmethod
    def of(cls, asset_id: str, kind: SegmentKind, index: int, **fields: Any) -> Segment:
        """The `index`-th segment of its kind in an asset, its id made from the three (the
        id contract lives in make_segment_id, so no caller spells it out again)."""
        segment_id = make_segment_id(asset_id, kind, index)
        return cls(segment_id=segment_id, asset_id=asset_id, kind=kind, index=index, **fields)

    @model_validator(mode="after")
    def _time_order(self) -> Segment:
        if self.start_s is not None and self.end_s is not None and self.start_s > self.end_s:
            raise ValueError(f"segment {self.segment_id}: start_s > end_s")
        return self


# missing: indexed once, but the file is no longer where it was (kept with its metadata,
# out of search, and restored when the same content turns up again).
AssetStatus = Literal["indexed", "failed", "pending", "missing"]


class Asset(BaseModel):
    asset_id: str
    path: str  # absolute path when ingested
    root: str  # the ingested root folder
    rel_path: str  # path relative to root, as shown to users and used by eval suites
    kind: MediaKind
    mime: str = ""
    size_bytes: int = 0
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    status: AssetStatus = "indexed"
    error: str | None = None
    # Music attributes, speech/music classification and other analysis go to metadata.
    is_music: bool = False


class Filters(BaseModel):
    """Filter names shared by the search tool, the CLI, the UI and eval suites."""

    model_config = ConfigDict(extra="forbid")

    kind: list[MediaKind] | None = None
    date_from: date | None = None
    date_to: date | None = None
    place: str | None = None
    people: list[str] | None = None
    topics: list[str] | None = None
    source: str | None = None
    tempo_min: float | None = None
    tempo_max: float | None = None
    mode: Literal["major", "minor"] | None = None
    key: str | None = None
    # ISO 639-1 codes (fr, de, ...): assets with any of these languages (enrich/language.py).
    language: list[str] | None = None
    # A voice: its number ("2", "Voice 2") or its name (`assistant voices name`).
    speaker: str | None = None

    @field_validator("kind", "people", "topics", "language", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("language", mode="after")
    @classmethod
    def _language_codes(cls, value: list[str] | None) -> list[str] | None:
        from assistant.languages import normalise

        return [normalise(item) for item in value] if value else value

    def is_empty(self) -> bool:
        return not any(value not in (None, []) for value in self.model_dump().values())

    @classmethod
    def parse(cls, pairs: dict[str, Any]) -> Filters:
        """Validate user-supplied filters; unknown names and bad values raise AssistantError."""
        unknown = sorted(set(pairs) - set(cls.model_fields))
        if unknown:
            raise AssistantError(
                f"Unknown filter {', '.join(unknown)}.",
                hint=f"Filters are: {', '.join(cls.model_fields)}.",
            )
        try:
            return cls.model_validate(pairs)
        except ValidationError as exc:
            from assistant.filter_words import describe

            raise AssistantError(
                describe(exc), hint="Correct the filter and search again."
            ) from exc


class SearchQuery(BaseModel):
    text: str = ""
    # Uploaded query media by modality name (assistant/retrieval/modalities.py), e.g.
    # {"image": Path("a.jpg")}. A modality's name is also a keyword of its own:
    # SearchQuery(image=p) is SearchQuery(media={"image": p}); the engine says when a
    # name is not a modality.
    media: dict[str, Path] = Field(default_factory=dict)
    filters: Filters = Field(default_factory=Filters)
    k: int = Field(default=10, ge=1, le=200)

    @model_validator(mode="before")
    @classmethod
    def _named_media(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        named = {key: value for key, value in data.items() if key not in cls.model_fields}
        if not named:
            return data
        kept = {key: value for key, value in data.items() if key in cls.model_fields}
        media = dict(kept.get("media") or {})
        media.update({key: value for key, value in named.items() if value is not None})
        return kept | {"media": media}

    @model_validator(mode="after")
    def _not_empty(self) -> SearchQuery:
        # Filters alone are a query too: browse what passes them.
        if not self.text.strip() and not self.media and self.filters.is_empty():
            raise AssistantError(
                "The query is empty.",
                hint="Give some text, an image, an audio clip or at least one filter "
                "(e.g. --filter kind=image).",
            )
        return self


class Hit(BaseModel):
    """One segment matched by one signal, before clip assembly."""

    segment_id: str
    asset_id: str
    # "asset": a whole-asset hit (metadata, filters) on an asset with no segments.
    segment_kind: SegmentKind | Literal["asset"]
    signal: str  # clip_text | clip_image | phash | text_vector | keyword | speech_align
    score: float  # in [0, 1]
    start_s: float | None = None
    end_s: float | None = None
    text: str = ""
    # Why this signal matched, for Clip.why (e.g. "keyword: 'commissioner'").
    detail: str = ""


class Clip(BaseModel):
    """What users see and play: a span of one asset, with why it matched."""

    asset_id: str
    file: str  # path relative to the ingested root
    path: str  # absolute path, for playing
    kind: MediaKind
    start_s: float | None = None
    end_s: float | None = None
    score: float = Field(ge=0.0, le=1.0)
    snippet: str = ""
    preview: str | None = None  # thumbnail / frame image path
    why: list[str] = Field(default_factory=list)
    segment_ids: list[str] = Field(default_factory=list)
    page: int | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    # ISO 639-1 code of the best-matching segment's language, when known.
    language: str | None = None
    # Who speaks in the clip's best speech segment: "Voice 2", "Voice 2 (Paul Okafor)".
    speaker: str | None = None

    @classmethod
    def of(cls, asset: Asset, start_s: float | None, end_s: float | None, **fields: Any) -> Clip:
        """A clip of `asset` from start_s to end_s (None: all of it)."""
        return cls(
            asset_id=asset.asset_id,
            file=asset.rel_path,
            path=asset.path,
            kind=asset.kind,
            start_s=start_s,
            end_s=end_s,
            **fields,
        )


class Citation(BaseModel):
    n: int  # [n] in the answer text <-> Answer.citations[n-1]
    clip: Clip


class ToolCall(BaseModel):
    tool: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    summary: str = ""
    seconds: float = 0.0
    error: str | None = None


class Answer(BaseModel):
    question: str
    text: str
    citations: list[Citation] = Field(default_factory=list)
    abstained: bool = False
    # Clips the tools found, shown "nearest, not an answer" when abstaining.
    nearest: list[Clip] = Field(default_factory=list)
    # Every clip any tool returned this turn (what eval scores retrieval on).
    retrieved: list[Clip] = Field(default_factory=list)
    trace: list[ToolCall] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)
    flagged: list[str] = Field(default_factory=list)


class IngestFailure(BaseModel):
    path: str
    reason: str


class IngestReport(BaseModel):
    run_id: int | None = None
    root: str
    started_at: datetime
    seconds: float = 0.0
    counts_by_kind: dict[str, int] = Field(default_factory=dict)
    counts_by_status: dict[str, int] = Field(default_factory=dict)
    failures: list[IngestFailure] = Field(default_factory=list)
    segments_created: int = 0
    seconds_by_stage: dict[str, float] = Field(default_factory=dict)
    media_seconds: float = 0.0
    warnings: list[str] = Field(default_factory=list)
