"""Launching the app safely: loopback by default, only archive files served, upload
limits, optional password."""

from __future__ import annotations

from importlib import resources
from typing import Any

import gradio as gr

from assistant.config import Settings
from assistant.ui.media import ServedFiles


def _static(name: str) -> str:
    return (resources.files("assistant.ui") / "static" / name).read_text()


def launch_options(settings: Settings, served: ServedFiles) -> dict[str, Any]:
    """Keyword arguments for `Blocks.launch` from the serve settings."""
    serve = settings.serve
    auth = (serve.username, serve.password) if serve.password else None
    return {
        "server_name": serve.host,
        "server_port": serve.port,
        "allowed_paths": served.paths(),
        "max_file_size": f"{serve.max_upload_mb}mb",
        "auth": auth,
        "auth_message": "Archive Assistant — sign in" if auth else None,
        "share": False,
        "show_error": True,
        "css": _static("app.css"),
        "head": f"<script>{_static('app.js')}</script>",
        # System fonts: an air-gapped newsroom's browser cannot fetch web fonts.
        "theme": gr.themes.Soft(
            primary_hue="indigo", neutral_hue="slate",
            font=["system-ui", "Segoe UI", "Roboto", "Helvetica Neue", "sans-serif"],
            font_mono=["ui-monospace", "DejaVu Sans Mono", "monospace"],
        ),
    }


def launch_app(blocks: gr.Blocks, settings: Settings, *, block: bool = True,
               **overrides: Any) -> gr.Blocks:
    """Start serving. `block=False` returns at once (tests, the demo script)."""
    served: ServedFiles = blocks.served_files  # type: ignore[attr-defined]
    options = {**launch_options(settings, served), **overrides}
    blocks.queue(default_concurrency_limit=2)
    blocks.launch(prevent_thread_lock=not block, quiet=not block, **options)
    return blocks
