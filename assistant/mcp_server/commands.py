"""`assistant mcp [--http] [--port N]`: the archive as MCP tools for a desktop AI assistant."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("mcp")
    def mcp(
        ctx: typer.Context,
        http: Annotated[
            bool,
            typer.Option(help="Serve streamable HTTP at http://HOST:PORT/mcp instead of stdio."),
        ] = False,
        host: Annotated[str, typer.Option(help="Interface for --http.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port for --http.")] = 8765,
        media_base_url: Annotated[
            str | None,
            typer.Option(
                help="Prefix for clip links, e.g. http://127.0.0.1:7860/gradio_api/file= when "
                "the app serves the archive; default: file:// links."
            ),
        ] = None,
    ) -> None:
        """Speak the Model Context Protocol: search, open clips, ask, list facets."""
        from assistant.agent.session import ChatSession
        from assistant.archive import Archive
        from assistant.mcp_server.server import build_server, serve_http
        from assistant.mcp_server.toolbox import ArchiveToolbox
        from assistant.retrieval.engine import search_engine

        settings = ctx.obj.settings()
        with Archive.open(settings) as archive:
            engine = search_engine(archive)
            toolbox = ArchiveToolbox(
                engine, archive.catalog, lambda: ChatSession(archive, engine), media_base_url
            )
            server = build_server(toolbox)
            if http:
                tokens = set(settings.serve.tokens)
                if settings.serve.password:
                    tokens.add(settings.serve.password)
                serve_http(server, host, port, tokens)
            else:
                server.run("stdio")
