"""Ten chats at once against a real server with the test profile's real (tiny) LLM, with
searches beside them (issue #21: the chat deadlocked under concurrent use).

Every request must end within the bound, answered or failed with a message; afterwards
the server must still answer a chat and a search. The figures (completed, latency p50 and
p95, time waited in the model queue) are printed as JSON for the closing note.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client

from tests.helpers.app_search import search_api

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHATS = 10
SEARCHES = 10
BOUND_S = 420.0  # the whole burst; the model writes the ten answers one after another

DOCUMENTS = {
    "flood.md": "Heavy flooding closed the river road near the old stone bridge on Monday.",
    "ferry.md": "The ferry strike ended on Tuesday after talks between the union and the port.",
    "council.md": "The city council approved the new budget for schools and public libraries.",
    "fire.md": "A warehouse fire in the harbour district was put out by forty firefighters.",
    "election.md": "Turnout in the regional election rose to sixty-one percent this year.",
    "storm.md": "The storm brought down power lines across the northern villages overnight.",
}
QUESTIONS = [
    "What closed the river road?",
    "When did the ferry strike end?",
    "What did the city council approve?",
    "Who put out the warehouse fire?",
    "How high was election turnout?",
    "What did the storm bring down?",
    "What happened near the stone bridge?",
    "Where was the warehouse fire?",
    "Who talked to end the strike?",
    "What was the budget for?",
]


@pytest.fixture(scope="module")
def real_llm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    from conftest import _QUIET_ENV, free_port

    from assistant.agent.session import ChatSession
    from assistant.archive import Archive
    from assistant.config import load_settings
    from assistant.ingest.pipeline import ingest_folder
    from assistant.retrieval.engine import search_engine
    from assistant.ui.app import build_app
    from assistant.ui.server import launch_app

    with pytest.MonkeyPatch.context() as patch:
        for key, value in _QUIET_ENV.items():
            patch.setenv(key, value)
        base = tmp_path_factory.mktemp("concurrent")
        root = base / "archive"
        root.mkdir()
        for name, text in DOCUMENTS.items():
            (root / name).write_text(text)
        settings = load_settings("test", data_dir=base / "data")
        settings = settings.model_copy(
            update={
                "serve": settings.serve.model_copy(update={"port": free_port()}),
                "agent": settings.agent.model_copy(update={"planner": "never"}),
            }
        )
        archive = Archive.open(settings)  # the test profile's real models: SmolLM2, MiniLM
        ingest_folder(archive, root)
        engine = search_engine(archive)
        blocks = build_app(archive, engine, lambda: ChatSession(archive, engine))
        launch_app(blocks, settings, block=False)
        try:
            yield f"http://127.0.0.1:{settings.serve.port}/", archive
        finally:
            blocks.close()
            archive.close()


def _client(url: str) -> Client:
    # httpx's 5 s default is shorter than a loaded 2-core box takes to build the API info
    # for twenty clients at once; a browser would wait, so the clients do too.
    return Client(url, verbose=False, httpx_kwargs={"timeout": 120})


def _chat(url: str, question: str) -> tuple[float, str]:
    began = time.perf_counter()
    history, *_ = _client(url).predict({"text": question, "files": []}, api_name="/ask")
    content = history[-1]["content"]
    return time.perf_counter() - began, content if isinstance(content, str) else str(content)


def _search(url: str, text: str) -> tuple[float, str]:
    began = time.perf_counter()
    summary, _ = search_api(_client(url), text, limit=8)
    return time.perf_counter() - began, summary


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def test_ten_concurrent_chats_with_searches_finish_and_the_server_still_answers(
    real_llm_server: tuple[str, Any],
) -> None:
    url, archive = real_llm_server
    llm = archive.models.llm()
    llm.load()  # the first chat should not pay for loading the model inside the bound
    began = time.perf_counter()
    with ThreadPoolExecutor(CHATS + SEARCHES) as pool:
        chats = [pool.submit(_chat, url, QUESTIONS[i % len(QUESTIONS)]) for i in range(CHATS)]
        searches = [
            pool.submit(_search, url, QUESTIONS[i % len(QUESTIONS)]) for i in range(SEARCHES)
        ]
        _, pending = wait(chats + searches, timeout=BOUND_S)
        burst_s = time.perf_counter() - began
        assert not pending, f"{len(pending)} request(s) still running after {BOUND_S:.0f} s"

    failures = [f.exception() for f in chats + searches if f.exception() is not None]
    chat_times = [f.result()[0] for f in chats if f.exception() is None]
    search_times = [f.result()[0] for f in searches if f.exception() is None]
    answers = [f.result()[1] for f in chats if f.exception() is None]
    # The deadlock's signature was this message; any failure must be a clean, worded one.
    assert not any("un-acquired lock" in str(exc) for exc in failures), failures
    assert len(chat_times) == CHATS, failures
    assert len(search_times) == SEARCHES, failures
    assert all(answer.strip() and answer != "…" for answer in answers), answers

    # The model is free again: one more chat and one more search, promptly.
    after_chat_s, after_answer = _chat(url, "What closed the river road?")
    after_search_s, after_summary = _search(url, "ferry strike")
    assert after_answer.strip() and after_chat_s < 120
    assert after_summary and after_search_s < 60
    queue = llm.queue.snapshot()
    assert queue["busy"] is False and queue["waiting"] == 0
    assert queue["served"] >= CHATS + 1

    figures = {
        "chats": CHATS,
        "searches": SEARCHES,
        "completed_chats": len(chat_times),
        "completed_searches": len(search_times),
        "failed": len(failures),
        "burst_s": round(burst_s, 1),
        "chat_p50_s": round(statistics.median(chat_times), 2),
        "chat_p95_s": round(_quantile(chat_times, 0.95), 2),
        "search_p50_s": round(statistics.median(search_times), 2),
        "search_p95_s": round(_quantile(search_times, 0.95), 2),
        "queue_wait_p50_s": queue["wait_p50_s"],
        "queue_wait_p95_s": queue["wait_p95_s"],
        "queue_wait_max_s": queue["wait_max_s"],
        "model_turns": queue["served"],
        "after_chat_s": round(after_chat_s, 2),
        "after_search_s": round(after_search_s, 2),
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
    }
    print("CONCURRENT_CHAT_FIGURES " + json.dumps(figures))
