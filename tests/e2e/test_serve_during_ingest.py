"""The app keeps answering searches while `assistant ingest` (another process, with its
worker processes) writes to the same data dir, and finds what that ingest indexed; two
`assistant ingest` of the same data dir at once: one writes, the other waits (--wait)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers.app_search import search_api
from tests.helpers.cli_process import cli_argv

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]


def _cli(data: Path, out: Path, *args: str) -> subprocess.Popen[bytes]:
    """The CLI with its output in files (a pipe nobody reads while polling could fill)."""
    return subprocess.Popen(
        cli_argv(data, *args),
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=out.with_suffix(".out").open("wb"),
        stderr=out.with_suffix(".err").open("wb"),
    )


def test_search_answers_during_an_ingest_and_sees_its_new_assets(tmp_path: Path) -> None:
    from gradio_client import Client

    from assistant.agent.session import ChatSession
    from assistant.archive import Archive
    from assistant.config import load_settings
    from assistant.ingest.pipeline import ingest_folder
    from assistant.retrieval.engine import search_engine
    from assistant.ui.app import build_app
    from assistant.ui.server import launch_app
    from samples.media import build_test_archive
    from tests.e2e.conftest import free_port

    manifest = build_test_archive(tmp_path / "all")
    root = tmp_path / "archive"
    shutil.copytree(manifest.root / "docs", root / "docs")
    settings = load_settings("test", data_dir=tmp_path / "data")
    archive = Archive.open(settings, model_overrides={"clip": None})
    ingest_folder(archive, root)
    engine = search_engine(archive)
    blocks = build_app(archive, engine, lambda: ChatSession(archive, engine))
    port = free_port()
    launch_app(blocks, settings, block=False, server_port=port)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        shutil.copytree(manifest.root / "audio", root / "audio")
        # Two ingests of the same data dir at once: one writes, the other queues (--wait).
        logs = [tmp_path / "first", tmp_path / "second"]
        first = _cli(settings.data_dir, logs[0], "ingest", str(root), "--json")
        _wait_until_it_holds_the_lock(settings.data_dir, first)  # else the two race for it
        second = _cli(settings.data_dir, logs[1], "ingest", str(root), "--json", "--wait")
        answered = 0
        while first.poll() is None or second.poll() is None:
            summary, results = _search(client, "harbour container volumes")
            assert "harbour_report.md" in results, summary
            answered += 1
            time.sleep(0.5)
        errs = [log.with_suffix(".err").read_text() for log in logs]
        runs = [json.loads(log.with_suffix(".out").read_text() or "{}") for log in logs]
        assert [p.returncode for p in (first, second)] == [0, 0], errs
        assert sum("Waiting for it to finish" in e for e in errs) == 1, errs
        assert sorted(r["counts_by_status"].get("indexed", 0) for r in runs) == [0, 2]
        assert answered >= 3
        summary, results = _search(client, "wildfire northern forest families")
        assert "radio_bulletin.mp3" in results, summary
        assert len(archive.catalog.assets()) == 5  # 3 documents + 2 audio files, once each
    finally:
        blocks.close()
        archive.close()


def _wait_until_it_holds_the_lock(data_dir: Path, process: subprocess.Popen[bytes]) -> None:
    """The lock file names its holder's pid once the ingest has taken it."""
    from assistant.ingest.lock import LOCK_NAME

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        held = (data_dir / LOCK_NAME).read_text() if (data_dir / LOCK_NAME).exists() else ""
        if held.startswith(f"pid {process.pid},"):
            return
        time.sleep(0.1)
    raise AssertionError("the first ingest never took the data dir's lock")


def _search(client: object, text: str) -> tuple[str, str]:
    return search_api(client, text)  # type: ignore[no-any-return]
