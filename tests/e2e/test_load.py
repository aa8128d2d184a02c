"""Serving over servers on loopback: the OpenAI-compatible backend against llama-cpp-python's
own server (real SmolLM2 GGUF), and bench/load.py's stack (two app processes over one
`chroma run` index server and one LLM server) under a small concurrent burst."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.ingest.ray_local import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))


@pytest.fixture(scope="module")
def llm_server() -> Iterator[str]:
    pytest.importorskip("starlette_context")
    import load  # bench/load.py

    port = free_port()
    process = subprocess.Popen(
        [*load.LLM_SERVER, str(load._gguf()), *load.LLM_OPTIONS, *load.local(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{url}/v1/models", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "no LLM server"
            time.sleep(1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_openai_backend_gets_schema_json_from_llama_cpp_python_server(llm_server: str) -> None:
    from assistant.models.base import ChatRequest
    from assistant.models.llm import OpenAICompatibleChat

    chat = OpenAICompatibleChat(f"{llm_server}/v1", model="smollm2")
    schema = {
        "type": "object",
        "properties": {"found": {"type": "boolean"}},
        "required": ["found"],
    }
    messages = [{"role": "user", "content": "Did the ferries stop? Reply in JSON."}]
    reply = json.loads(chat.complete(ChatRequest(messages, max_tokens=20, json_schema=schema)))
    assert isinstance(reply["found"], bool)  # the grammar held the small model to the schema
    # This server refuses OpenAI's "json_schema" form: the backend switched once.
    assert chat.schema_style == "json_object"
    streamed = "".join(chat.stream(ChatRequest(messages, max_tokens=20, json_schema=schema)))
    assert isinstance(json.loads(streamed)["found"], bool)


def test_load_burst_over_two_apps_one_index_server_one_llm_server() -> None:
    pytest.importorskip("starlette_context")
    import load  # bench/load.py

    out = load.run(apps=2, searches=8, asks=2, limit_s=400)
    assert out["searches"]["errors"] == 0, out["searches"]
    assert out["asks"]["errors"] == 0, out["asks"]
    assert out["searches"]["p95_s"] >= out["searches"]["p50_s"] > 0
    # Every ask reached the LLM server. Its only refusals: each app's first schema
    # requests (OpenAI's json_schema form, sent before that app switched forms), retried.
    statuses = out["llm_server_requests"]
    assert statuses.get("200", 0) >= 2 and set(statuses) <= {"200", "500"}, statuses
