"""`/api`: search, ask (server-sent events), assets and their media (HTTP range requests),
for the newsroom's own systems. OpenAPI at /api/openapi.json, docs at /api/docs.

The work is the MCP toolbox's (assistant/mcp_server/toolbox.py), so both speak the same
typed results; this module only maps them onto HTTP. Access is the wall's
(assistant/ui/walls.py): every route here needs what the app needs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import FileResponse, PlainTextResponse, StreamingResponse
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field

from assistant.agent.asking import StreamsAnswers
from assistant.agent.events import AgentEvent
from assistant.errors import AssistantError
from assistant.mcp_server.toolbox import (
    ArchiveToolbox,
    AskResult,
    ClipDetail,
    ClipResult,
    SearchResult,
)
from assistant.models.generation_queue import QueueWatch
from assistant.schemas import Filters
from assistant.ui.waiting import with_ticks

MEDIA_ROUTE = "/api/assets/{asset_id}/media"
CLIP_ROUTE = "/api/assets/{asset_id}/clip"
TRANSCRIPT_ROUTE = "/api/assets/{asset_id}/transcript"
_TRANSCRIPT_TYPES = {"vtt": "text/vtt", "srt": "application/x-subrip", "txt": "text/plain"}


def media_link(asset_id: str, start_s: float | None = None, end_s: float | None = None) -> str:
    """The API's own media URL, opening at the cited time (a media fragment)."""
    url = MEDIA_ROUTE.format(asset_id=asset_id)
    if start_s is None:
        return url
    return f"{url}#t={start_s:g}" + (f",{end_s:g}" if end_s is not None else "")


def _relink(clip: ClipResult) -> ClipResult:
    return clip.model_copy(update={"link": media_link(clip.asset_id, clip.start_s, clip.end_s)})


def _user_error(exc: AssistantError, status: int = 400) -> HTTPException:
    return HTTPException(status_code=status, detail={"error": exc.message, "hint": exc.hint})


class FilterParams(BaseModel):
    """The filter query parameters /search and /ask share (Filters.parse checks them)."""

    kind: str | None = Field(None, description="image,video,audio,document")
    date_from: str | None = Field(None, description="YYYY-MM-DD")
    date_to: str | None = Field(None, description="YYYY-MM-DD")
    place: str | None = None
    people: str | None = Field(None, description="comma-separated")
    topics: str | None = Field(None, description="comma-separated")
    source: str | None = None

    def given(self) -> dict[str, Any]:
        """The parameters the caller filled in."""
        return {name: value for name, value in self.model_dump().items() if value not in (None, "")}


def _event_json(event: AgentEvent, toolbox: ArchiveToolbox) -> tuple[str, str]:
    if event.type == "answer" and event.answer is not None:
        answer = event.answer
        result = AskResult(
            answer=answer.text,
            abstained=answer.abstained,
            citations=[_relink(toolbox.clip_result(c.clip)) for c in answer.citations],
            nearest=[_relink(toolbox.clip_result(clip)) for clip in answer.nearest],
        )
        return "answer", result.model_dump_json()
    if event.type == "token":
        return "token", json.dumps({"text": event.text})
    call = event.tool_call
    payload = (
        call.model_dump(include={"tool", "arguments", "summary", "error", "seconds"})
        if call is not None
        else {}
    )
    return event.type, json.dumps(payload)


def _sse(kind: str, data: str) -> str:
    return f"event: {kind}\ndata: {data}\n\n"


def build_api(
    toolbox: ArchiveToolbox,
    session_factory: Callable[[], StreamsAnswers],
    media_path: Callable[[str], Path | None],
    cut_clip: Callable[[str, float, float, str], Path] | None = None,
    transcript: Callable[[str, str, float], str] | None = None,
) -> FastAPI:
    """The API app, to mount at /api. `media_path(asset_id)` is the file to serve, or None
    when it is gone or outside the served roots. `cut_clip(asset_id, start, end, suffix)`
    writes a clip and its provenance sidecar (`PATH.json`) and returns the clip's path.
    `transcript(asset_id, "vtt"|"srt"|"txt", offset_s)` is its speaker-labelled text."""
    # Swagger UI's scripts and styles come from the fastapi-offline wheel, served under
    # /api/static-offline-docs: FastAPI's default page fetches them from a CDN, which an
    # air-gapped newsroom cannot reach (the page stayed blank).
    api = FastAPIOffline(
        title="Archive Assistant API",
        version="1",
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        description="Search the archive, ask it questions with cited clips, and "
        "fetch assets. Sign in as for the app (POST /login) or send "
        "`Authorization: Bearer TOKEN` (serve.tokens).",
    )

    @api.get("/search", response_model=SearchResult)
    def search(
        filters: Annotated[FilterParams, Query()],
        q: Annotated[str, Query(description="What to look for")] = "",
        k: Annotated[int, Query(ge=1, le=200)] = 10,
    ) -> SearchResult:
        """Clips matching the words and the filters (filters alone browse)."""
        try:
            result = toolbox.search(q, filters.given(), k=k)
        except AssistantError as exc:
            raise _user_error(exc) from exc
        return result.model_copy(update={"clips": [_relink(c) for c in result.clips]})

    @api.get(
        "/ask",
        response_class=StreamingResponse,
        responses={
            200: {
                "content": {"text/event-stream": {}},
                "description": "Events: waiting {ahead}, tool_started / tool_finished {tool, "
                "arguments, summary, error, seconds}, token {text}, then answer "
                "(an AskResult) or error {error, hint}.",
            }
        },
    )
    def ask(
        q: Annotated[str, Query(description="The question")],
        filters: Annotated[FilterParams, Query()],
    ) -> StreamingResponse:
        """Ask a question; the answer streams as server-sent events, citations last."""
        try:
            chosen = Filters.parse(filters.given())
        except AssistantError as exc:
            raise _user_error(exc) from exc
        session = session_factory()

        def events() -> Iterator[str]:
            watch = QueueWatch()
            ahead: int | None = None
            try:
                for event in with_ticks(lambda: session.ask_stream(q, filters=chosen), watch):
                    if event is None:
                        if watch.ahead != ahead:
                            ahead = watch.ahead
                            yield _sse("waiting", json.dumps({"ahead": ahead or 0}))
                        else:
                            yield ": still working\n\n"  # keeps proxies from timing out
                        continue
                    yield _sse(*_event_json(event, toolbox))
            except AssistantError as exc:
                yield _sse("error", json.dumps({"error": exc.message, "hint": exc.hint}))

        return StreamingResponse(
            events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    @api.get("/assets/{asset_id}", response_model=ClipDetail)
    def asset(asset_id: str, at_s: float | None = None, window_s: float = 30.0) -> ClipDetail:
        """One asset: metadata, its timed text (around `at_s` if given), a media link."""
        try:
            detail = toolbox.get_clip(asset_id, at_s=at_s, window_s=window_s)
        except AssistantError as exc:
            raise _user_error(exc, 404) from exc
        start = None if at_s is None else max(0.0, at_s - window_s)
        return detail.model_copy(update={"link": media_link(asset_id, start)})

    @api.api_route("/assets/{asset_id}/media", methods=["GET", "HEAD"], response_class=FileResponse)
    def media(asset_id: str) -> FileResponse:
        """The asset's file. Supports `Range: bytes=…` so players seek to a clip."""
        path = media_path(asset_id)
        if path is None:
            raise HTTPException(status_code=404, detail={"error": f"No media for {asset_id}."})
        return FileResponse(path, filename=path.name, content_disposition_type="inline")

    @api.get(CLIP_ROUTE.removeprefix("/api"), response_class=FileResponse)
    def clip(
        asset_id: str,
        start: Annotated[float, Query(ge=0)],
        end: Annotated[float, Query(gt=0)],
        format: Annotated[str, Query(pattern="^(mp4|m4a|mp3|wav)$")] = "mp4",
        provenance: bool = False,
    ) -> FileResponse:
        """A clip of the asset cut from `start` to `end` seconds, as a download; with
        `provenance=true`, its sidecar JSON (source file, span, metadata, citation)."""
        if cut_clip is None or media_path(asset_id) is None:
            raise HTTPException(status_code=404, detail={"error": f"No media for {asset_id}."})
        try:
            path = cut_clip(asset_id, start, end, f".{format}")
        except AssistantError as exc:
            raise _user_error(exc) from exc
        if provenance:
            sidecar = path.with_name(path.name + ".json")
            return FileResponse(sidecar, filename=sidecar.name, media_type="application/json")
        return FileResponse(path, filename=path.name, content_disposition_type="attachment")

    @api.get(TRANSCRIPT_ROUTE.removeprefix("/api"), response_class=PlainTextResponse)
    def transcript_text(
        asset_id: str,
        format: Annotated[str, Query(pattern="^(vtt|srt|txt)$")] = "vtt",
        offset: Annotated[float, Query(ge=0)] = 0.0,
        download: bool = False,
    ) -> PlainTextResponse:
        """The asset's speaker-labelled transcript: WebVTT (the players' captions track),
        SRT or plain text; `offset` shifts times for a player playing an excerpt."""
        if transcript is None or media_path(asset_id) is None:
            raise HTTPException(status_code=404, detail={"error": f"No media for {asset_id}."})
        try:
            text = transcript(asset_id, format, offset)
        except AssistantError as exc:
            raise _user_error(exc, 404) from exc
        headers = (
            {"Content-Disposition": f'attachment; filename="{asset_id}.{format}"'}
            if download
            else {}
        )
        return PlainTextResponse(text, media_type=_TRANSCRIPT_TYPES[format], headers=headers)

    return api


def transcript_link(
    asset_id: str, fmt: str = "vtt", offset_s: float = 0.0, download: bool = False
) -> str:
    """The captions track (vtt) or a transcript download a card offers."""
    query = f"?format={fmt}" + (f"&offset={offset_s:.2f}" if offset_s else "")
    return TRANSCRIPT_ROUTE.format(asset_id=asset_id) + query + ("&download=1" if download else "")


def clip_link(asset_id: str, start_s: float, end_s: float, suffix: str = "mp4") -> str:
    """The download link a card offers for the span it shows."""
    return (
        CLIP_ROUTE.format(asset_id=asset_id)
        + f"?start={start_s:.2f}&end={end_s:.2f}&format={suffix}"
    )
