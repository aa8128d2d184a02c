"""The Gradio app: Ask, Search, Archive, Metadata review, People and Voices tabs over one
archive.

A thin layer: every answer, search, ingest and proposal comes from the rooms that own
them (agent, retrieval, ingest, enrich); this module only lays them out.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI

from assistant.agent.asking import StreamsAnswers
from assistant.archive import Archive
from assistant.enrich.people import People
from assistant.enrich.propagate import propose_all
from assistant.retrieval.outcome import SearchesClips
from assistant.schemas import IngestReport
from assistant.ui.access import Access
from assistant.ui.archive_tab import ArchiveHandler, build_archive_tab
from assistant.ui.chat_tab import ChatHandler, build_chat_tab
from assistant.ui.media import MediaLinks, PlayableCopies, ServedFiles, previews_dir
from assistant.ui.people_tab import PeopleHandler, build_people_tab
from assistant.ui.review_tab import ReviewHandler, build_review_tab
from assistant.ui.search_tab import SearchHandler, build_search_tab
from assistant.ui.server import ArchiveBlocks
from assistant.ui.voices_tab import VoicesHandler, build_voices_tab

TITLE = "Archive Assistant"


def _default_ingest() -> Callable[..., IngestReport]:
    from assistant.ingest.pipeline import ingest_folder

    return ingest_folder


def build_app(
    archive: Archive,
    engine: SearchesClips,
    session_factory: Callable[[], StreamsAnswers],
    *,
    ingest: Callable[..., IngestReport] | None = None,
    model_rows: Callable[[Any], list[dict[str, Any]]] | None = None,
) -> ArchiveBlocks:
    """The app for `archive`. `engine` searches (SearchEngine), `session_factory()` makes
    one ChatSession per browser tab. The keyword arguments replace the default ingest and
    model-status functions (tests pass fakes)."""
    settings = archive.settings
    served = ServedFiles(settings, archive.catalog)
    access = Access(settings.serve)  # who may ingest and review (read by launch_app too)
    links = MediaLinks(served, PlayableCopies(previews_dir(settings)))
    max_mb = settings.serve.max_upload_mb
    if model_rows is None:
        from assistant.models.doctor import model_rows as doctor_rows

        model_rows = doctor_rows

    # No telemetry: a local-first app must not call home.
    with ArchiveBlocks(title=TITLE, fill_width=True, analytics_enabled=False) as blocks:
        gr.HTML(
            f'<header class="aa-title"><h1>{TITLE}</h1>'
            "<p>Ask the archive; every answer cites clips you can play.</p></header>"
        )
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                build_chat_tab(ChatHandler(session_factory, links, max_mb))
            with gr.Tab("Search", id="search"):
                build_search_tab(SearchHandler(engine, links, max_mb))
            with gr.Tab("Archive", id="archive"):
                build_archive_tab(
                    ArchiveHandler(
                        archive,
                        ingest or _default_ingest(),
                        model_rows,
                        lambda: served.sync(blocks),
                        access,
                    ),
                    blocks,
                )
            with gr.Tab("Metadata review", id="review"):
                review = ReviewHandler(archive.catalog, lambda: propose_all(archive), links, access)
                build_review_tab(review, blocks)
            with gr.Tab("People", id="people"):
                people = People(archive.catalog, archive.faces)
                build_people_tab(PeopleHandler(people, access), blocks)
            with gr.Tab("Voices", id="voices"):
                build_voices_tab(VoicesHandler(archive, links, access, max_mb), blocks)
    blocks.served_files = served  # read by launch_app
    blocks.access = access
    blocks.api = _api(archive, engine, session_factory, served)  # mounted at /api
    return blocks


def _api(
    archive: Archive,
    engine: SearchesClips,
    session_factory: Callable[[], StreamsAnswers],
    served: ServedFiles,
) -> FastAPI:
    from assistant.api.routes import build_api
    from assistant.mcp_server.toolbox import ArchiveToolbox

    def media_path(asset_id: str) -> Path | None:
        asset = archive.catalog.get_asset(asset_id)
        return Path(asset.path).resolve() if asset and served.url(asset.path) else None

    def cut_clip(asset_id: str, start_s: float, end_s: float, suffix: str) -> Path:
        from assistant.export.clip import cached_clip

        exports = archive.settings.data_dir / "exports"
        return cached_clip(archive.catalog, exports, asset_id, start_s, end_s, suffix)

    def transcript(asset_id: str, fmt: str, offset_s: float) -> str:
        from assistant.export.subtitles import asset_transcript

        return asset_transcript(archive.catalog, asset_id, fmt, offset_s)  # type: ignore[arg-type]

    return build_api(
        ArchiveToolbox(engine, archive.catalog, session_factory),
        session_factory,
        media_path,
        cut_clip,
        transcript,
    )


def create_app(archive: Archive) -> ArchiveBlocks:
    """The app wired to the real search engine and chat agent (entry points use this)."""
    from assistant.agent.session import ChatSession
    from assistant.retrieval.engine import search_engine

    engine = search_engine(archive)
    return build_app(archive, engine, lambda: ChatSession(archive, engine))
