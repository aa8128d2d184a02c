"""Launching the app safely: loopback by default, only archive files served, upload
limits, sign-in and roles, and one wall (assistant/ui/walls.py) in front of every route.

Gradio is mounted on our own FastAPI app rather than started with `Blocks.launch`, so
that the wall wraps everything, Gradio's own routes included (its password option leaves
the page, the run history, heartbeats and startup events open, and its CORS policy echoes
origins with credentials), and so that the HTTP API can live beside it.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import gradio as gr
from fastapi import FastAPI, Request
from starlette.middleware.cors import CORSMiddleware

from assistant.config import Settings
from assistant.ui.access import Access
from assistant.ui.media import ServedFiles
from assistant.ui.walls import Walls, allowed_hosts, identity_of


class ArchiveBlocks(gr.Blocks):
    """The app's Blocks, carrying what launching needs beside the page: the files it may
    serve, who may sign in, and the HTTP API to mount at /api (set by ui/app.py)."""

    served_files: ServedFiles
    access: Access
    api: FastAPI


def _static(name: str) -> str:
    return (resources.files("assistant.ui") / "static" / name).read_text()


def launch_options(settings: Settings, served: ServedFiles) -> dict[str, Any]:
    """What the server is started with, from the serve settings. Sign-in is the wall's
    (`auth` here only says whether one is asked for; Gradio's own is never used)."""
    serve = settings.serve
    return {
        "server_name": serve.host,
        "server_port": serve.port,
        "allowed_paths": served.paths(),
        "max_file_size": f"{serve.max_upload_mb}mb",
        "auth": "walls" if Access(serve).enabled else None,
        "show_error": True,
        "css": _static("app.css"),
        "head": f"<script>{_static('app.js')}</script>",
        # System fonts: an air-gapped newsroom's browser cannot fetch web fonts.
        "theme": gr.themes.Soft(
            primary_hue="indigo",
            neutral_hue="slate",
            font=["system-ui", "Segoe UI", "Roboto", "Helvetica Neue", "sans-serif"],
            font_mono=["ui-monospace", "DejaVu Sans Mono", "monospace"],
        ),
    }


def _user(request: Request) -> str | None:
    """Gradio's view of who is signed in (gr.Request.username in handlers)."""
    identity = identity_of(request.scope)
    return identity.user if identity is not None else None


def build_server(blocks: ArchiveBlocks, settings: Settings, **overrides: Any) -> FastAPI:
    """The whole ASGI app: the wall, then the HTTP API at /api, then Gradio at '/'."""
    served = blocks.served_files
    access = blocks.access
    # The handlers hold this one: make it follow the settings served with.
    access.configure(settings.serve)
    options = {**launch_options(settings, served), **overrides}
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    # A CORS policy on the parent makes Gradio drop its own (which grants localhost
    # origins with credentials); this one grants nothing, and the wall strips the rest.
    app.add_middleware(CORSMiddleware, allow_origins=[])
    app.mount("/api", blocks.api)  # the HTTP API (assistant/api), before Gradio takes the rest
    gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        server_name=options["server_name"],
        server_port=options["server_port"],
        allowed_paths=options["allowed_paths"],
        max_file_size=options["max_file_size"],
        show_error=options["show_error"],
        auth_dependency=_user if access.enabled else None,
        ssr_mode=False,
        run_history=False,
        footer_links=["api", "settings"],
        css=options["css"],
        head=options["head"],
        theme=options["theme"],
    )
    app.add_middleware(
        Walls,
        access=access,
        hosts=allowed_hosts(settings.serve),
        origins=frozenset(settings.serve.allowed_origins),
        trusted_proxies=tuple(settings.serve.trusted_proxies),
    )
    return app


def launch_app(
    blocks: ArchiveBlocks, settings: Settings, *, block: bool = True, **overrides: Any
) -> ArchiveBlocks:
    """Start serving. `block=False` returns at once (tests, the demo script); `blocks.close()`
    stops the server either way."""
    import uvicorn
    from gradio.http_server import Server

    blocks.queue(default_concurrency_limit=2)
    app = build_server(blocks, settings, **overrides)
    host = overrides.get("server_name", settings.serve.host)
    port = int(overrides.get("server_port", settings.serve.port))
    # proxy_headers off: uvicorn would otherwise rewrite the client address from
    # X-Forwarded-For for any loopback peer; serve.trusted_proxies decides that instead.
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", proxy_headers=False)
    server = Server(config)
    server.run_in_thread()
    # What Blocks.launch would have set, so that blocks.close() stops this server too.
    mounted = app.routes[-1].app  # type: ignore[attr-defined]  # the Mount of Gradio's App
    blocks.server = server
    blocks.server_app = blocks.app = mounted
    blocks._queue.set_server_app(mounted)
    blocks.is_running = True
    blocks.local_url = f"http://{host}:{port}/"  # type: ignore[assignment]
    if block:
        blocks.block_thread()
    return blocks
