"""The MCP server: the toolbox's methods as typed tools (their docstrings are what the
calling model reads), over stdio or streamable HTTP on loopback."""

from __future__ import annotations

import hmac
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.errors import AssistantError
from assistant.mcp_server.toolbox import (
    ArchiveToolbox,
    AskResult,
    ClipDetail,
    Facets,
    SearchResult,
)
from assistant.retrieval.modalities import MODALITIES

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
INSTRUCTIONS = (
    "Tools over a local multimedia newsroom archive (photos, video, radio, documents). "
    "Every result carries `link`, which opens the clip at its cited time; cite clips by "
    "file and timecode. Filters: kind (image, video, audio, document), date_from, date_to "
    "(ISO dates), place, people, topics, source; for music tempo_min, tempo_max, mode, key."
)


def build_server(toolbox: ArchiveToolbox) -> MCPServer:
    server = MCPServer("archive-assistant", instructions=INSTRUCTIONS)

    @server.tool()
    def search_archive(
        query: str, filters: dict[str, Any] | None = None, k: int = 10
    ) -> SearchResult:
        """Search the archive by words (speech, documents, on-screen text, metadata).
        `filters` narrows it, e.g. {"kind": ["video"], "date_from": "2019-01-01"}.
        Returns the best clips first, each with a score in [0, 1] and why it matched."""
        return _user_errors(toolbox.search, query=query, filters=filters, k=k)

    for modality in MODALITIES:
        server.tool(name=modality.tool, description=modality.mcp_help)(
            _upload_search(toolbox, modality.name)
        )

    @server.tool()
    def get_clip(asset_id: str, at_s: float | None = None, window_s: float = 30.0) -> ClipDetail:
        """One asset's metadata and its transcript (speech, on-screen text, document
        passages) within `window_s` seconds of `at_s`, with a link to play it."""
        return _user_errors(toolbox.get_clip, asset_id, at_s=at_s, window_s=window_s)

    @server.tool()
    def ask(question: str, filters: dict[str, Any] | None = None) -> AskResult:
        """Ask the archive a question. The answer cites clips as [n] (citations[n-1]);
        when the archive holds no answer, `abstained` is true and `nearest` lists the
        closest clips, which do not answer it."""
        return _user_errors(toolbox.ask, question, filters=filters)

    @server.tool()
    def list_facets(limit: int = 50) -> Facets:
        """What the archive holds: asset counts per kind, the commonest places, people,
        topics and sources (with asset counts), and the filter names search takes."""
        return _user_errors(toolbox.facets, limit=limit)

    return server


def _upload_search(toolbox: ArchiveToolbox, name: str) -> Any:
    """The search_by_<name> tool: a file on this machine, searched as that modality."""

    def search_by_upload(
        path: str, filters: dict[str, Any] | None = None, k: int = 10
    ) -> SearchResult:
        return _user_errors(toolbox.search, media={name: path}, filters=filters, k=k)

    return search_by_upload


def _user_errors(method: Any, *args: Any, **kwargs: Any) -> Any:
    """An AssistantError is the caller's to fix: return it as the tool's error text."""
    try:
        return method(*args, **kwargs)
    except AssistantError as exc:
        hint = f" {exc.hint}" if exc.hint else ""
        raise ToolError(f"{exc.message}{hint}") from exc


def serve_http(server: MCPServer, host: str, port: int, tokens: set[str]) -> None:
    """Streamable HTTP at /mcp. Host and Origin are checked (DNS rebinding); with tokens
    (the serve password, serve.tokens), every request must carry `Authorization: Bearer T`
    with one of them."""
    import uvicorn

    if host not in LOOPBACK_HOSTS and not tokens:
        raise AssistantError(
            f"Refusing to serve MCP on {host} without a token.",
            hint="Keep the default 127.0.0.1, or set ASSISTANT_SERVE__PASSWORD or serve.tokens.",
        )
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[f"{name}:*" for name in ("127.0.0.1", "localhost", "[::1]", host)],
        allowed_origins=[f"http://{name}:*" for name in ("127.0.0.1", "localhost", "[::1]")],
    )
    app: ASGIApp = server.streamable_http_app(transport_security=security, host=host)
    if tokens:
        app = BearerToken(app, tokens)
    uvicorn.run(app, host=host, port=port, log_level="warning")


class BearerToken:
    """ASGI middleware: no valid bearer token, no archive."""

    def __init__(self, app: ASGIApp, tokens: set[str]) -> None:
        self.app = app
        self.expected = [f"Bearer {token}".encode() for token in sorted(tokens)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = Request(scope).headers.get("authorization", "").encode()
            # Compare with every token (no early exit): timing says nothing about which.
            if not sum(hmac.compare_digest(given, token) for token in self.expected):
                response: Response = JSONResponse(
                    {"error": "a bearer token is required"}, status_code=401
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
