"""The app launched in-process on a free loopback port over a small real archive.

The archive is samples.media.build_test_archive ingested with the test profile
(real sniffing, transcription, text embeddings, search). The LLM is a scripted fake that
answers citing [1], so answers are deterministic: these tests check the UI plumbing
(uploads, streaming, citations, playback, filters, serving rules); the real model's
answers are covered by the agent's and the evaluation's own tests.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

_QUIET_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "NO_PROXY": "127.0.0.1,localhost",
}


ANSWERS = {  # a phrase of the question -> the scripted answer
    "this photo": "This photo appears in the archive: the football picture messi5 [1].",
    "": "Heavy flooding closed the river road near the old stone bridge [1].",
}


def scripted_reply(messages: list[dict[str, Any]], schema: dict[str, Any] | None) -> str:
    """Plan no extra tool; answer with a fixed sentence citing [1] (grounding then keeps,
    moves or drops the citation exactly as it would for a real model's answer)."""
    if schema and "tool" in schema.get("properties", {}):
        return json.dumps({"tool": "answer", "evidence": 0, "query": ""})
    prompt = str(messages[-1]["content"]).lower()
    answer = next(text for phrase, text in ANSWERS.items() if phrase in prompt)
    return json.dumps({"answerable": True, "answer": answer})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveApp:
    url: str
    archive: Any
    manifest: Any
    blocks: Any
    root: Path


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    from assistant.agent.fakes import ScriptedLLM
    from assistant.agent.session import ChatSession
    from assistant.archive import Archive
    from assistant.config import load_settings
    from assistant.ingest.pipeline import ingest_folder
    from assistant.retrieval.engine import search_engine
    from assistant.ui.app import build_app
    from assistant.ui.server import launch_app
    from samples.media import build_test_archive

    with pytest.MonkeyPatch.context() as patch:
        for key, value in _QUIET_ENV.items():
            patch.setenv(key, value)
        base = tmp_path_factory.mktemp("app")
        manifest = build_test_archive(base / "archive")
        settings = load_settings("test", data_dir=base / "data")
        llm = ScriptedLLM([scripted_reply], chunk_chars=12)
        archive = Archive.open(settings, model_overrides={"llm": llm})
        ingest_folder(archive, manifest.root)
        engine = search_engine(archive)
        blocks = build_app(archive, engine, lambda: ChatSession(archive, engine))
        port = free_port()
        launch_app(blocks, settings, block=False, server_port=port)
        try:
            yield LiveApp(f"http://127.0.0.1:{port}/", archive, manifest, blocks, manifest.root)
        finally:
            blocks.close()
            archive.close()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="module")
def app_page(live_app: LiveApp) -> Iterator[Any]:
    """A real headless Chromium tab (Debian's chromium) on the live app, one per module."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("needs the Debian chromium package")
    SCREENSHOTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1440, "height": 960})
        tab.set_default_timeout(60_000)
        tab.goto(live_app.url)
        tab.wait_for_selector("#aa-ask-box textarea")
        yield tab
        browser.close()
