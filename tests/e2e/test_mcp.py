"""`assistant mcp` driven by the official MCP SDK's own client, on the e2e conftest's real
ingested archive: in-process, over stdio (a real `assistant mcp` subprocess) and over
streamable HTTP on loopback (with the Host check and the bearer token)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.retrieval.modalities import MODALITIES
from tests.e2e.conftest import LiveApp, free_port
from tests.helpers.cli_process import cli_argv

pytestmark = pytest.mark.e2e
mcp = pytest.importorskip("mcp")
from mcp import Client, StdioServerParameters  # noqa: E402

# One search_by_<name> per query modality (today search_by_image, search_by_audio).
TOOLS = {"search_archive", *(m.tool for m in MODALITIES), "get_clip", "ask", "list_facets"}


def _call(server: Any, name: str, arguments: dict[str, Any]) -> Any:
    async def go() -> Any:
        async with Client(server) as client:
            return await client.call_tool(name, arguments)

    return asyncio.run(go())


def _tool_names(server: Any) -> set[str]:
    async def go() -> set[str]:
        async with Client(server) as client:
            return {tool.name for tool in (await client.list_tools()).tools}

    return asyncio.run(go())


@pytest.fixture(scope="module")
def in_process(live_app: LiveApp) -> Any:
    from assistant.agent.session import ChatSession
    from assistant.mcp_server.server import build_server
    from assistant.mcp_server.toolbox import ArchiveToolbox
    from assistant.retrieval.engine import search_engine

    engine = search_engine(live_app.archive)
    toolbox = ArchiveToolbox(
        engine, live_app.archive.catalog, lambda: ChatSession(live_app.archive, engine)
    )
    return build_server(toolbox)


def test_tools_are_listed_with_schemas(in_process: Any) -> None:
    assert _tool_names(in_process) == TOOLS


def test_search_with_and_without_filters(in_process: Any) -> None:
    plain = _call(in_process, "search_archive", {"query": "flooding river road bridge"})
    assert not plain.is_error
    clips = plain.structured_content["clips"]
    best = clips[0]
    assert best["file"] == "video/street_news.mp4"
    assert best["link"].startswith("file://") and "#t=" in best["link"]
    assert best["timecode"]
    documents = _call(
        in_process,
        "search_archive",
        {"query": "harbour fishing quotas", "filters": {"kind": ["document"]}},
    )
    kinds = {clip["kind"] for clip in documents.structured_content["clips"]}
    assert kinds == {"document"}


def test_bad_filter_is_a_tool_error_that_says_what_to_do(in_process: Any) -> None:
    result = _call(in_process, "search_archive", {"query": "x", "filters": {"colour": "red"}})
    assert result.is_error
    assert "Unknown filter colour" in result.content[0].text


def test_get_clip_gives_the_transcript_around_a_time(in_process: Any, live_app: LiveApp) -> None:
    hit = _call(in_process, "search_archive", {"query": "flooding river road"})
    asset_id = hit.structured_content["clips"][0]["asset_id"]
    detail = _call(
        in_process, "get_clip", {"asset_id": asset_id, "at_s": 9.0, "window_s": 3.0}
    ).structured_content
    text = " ".join(line["text"] for line in detail["transcript"]).lower()
    assert "flood" in text and "budget" not in text  # the 1 s line is outside the window
    missing = _call(in_process, "get_clip", {"asset_id": "0000000000000000"})
    assert missing.is_error and "search result" in missing.content[0].text


def test_ask_cites_clips_and_facets_count_assets(in_process: Any) -> None:
    answer = _call(in_process, "ask", {"question": "What closed the river road?"})
    data = answer.structured_content
    assert not data["abstained"] and data["citations"]
    assert "[1]" in data["answer"]
    facets = _call(in_process, "list_facets", {}).structured_content
    assert facets["kinds"]["image"] >= 1 and "kind" in facets["filters"]
    places = {item["value"] for item in facets["values"]["place"]}
    assert "Moscow" in places


@pytest.fixture(scope="module")
def data_copy(live_app: LiveApp, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the ingested data dir, so a second process never shares the live one."""
    target = tmp_path_factory.mktemp("mcp") / "data"
    shutil.copytree(live_app.archive.settings.data_dir, target)
    return target


def _command(data_dir: Path, *extra: str) -> list[str]:
    return cli_argv(data_dir, "mcp", *extra)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}


def test_stdio_server_lists_tools_and_searches(data_copy: Path) -> None:
    command = _command(data_copy)
    params = StdioServerParameters(command=command[0], args=command[1:], env=_env())

    async def go() -> tuple[set[str], Any]:
        async with Client(params, read_timeout_seconds=120) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            return names, await client.call_tool(
                "search_archive",
                {"query": "wildfire northern forest", "filters": {"kind": ["audio"]}},
            )

    names, result = asyncio.run(go())
    assert names == TOOLS
    assert result.structured_content["clips"][0]["file"].startswith("audio/")


@pytest.fixture(scope="module")
def http_server(data_copy: Path) -> Iterator[str]:
    port = free_port()
    env = _env() | {"ASSISTANT_SERVE__PASSWORD": "s3cret"}
    process = subprocess.Popen(
        _command(data_copy, "--http", "--port", str(port)),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_http_server_needs_the_token_and_a_loopback_host(http_server: str) -> None:
    assert httpx.post(http_server, json={}).status_code == 401
    forged = httpx.post(
        http_server,
        json={},
        headers={"Authorization": "Bearer s3cret", "Host": "archive.evil.example"},
    )
    assert forged.status_code in (400, 403, 421)


def test_http_client_searches_with_and_without_filters(http_server: str) -> None:
    import httpx2  # the MCP SDK's own HTTP client
    from mcp.client.streamable_http import streamable_http_client

    async def go() -> tuple[Any, Any]:
        headers = {"Authorization": "Bearer s3cret"}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=120) as http,
            Client(streamable_http_client(http_server, http_client=http)) as client,
        ):
            plain = await client.call_tool("search_archive", {"query": "water tax farmers"})
            filtered = await client.call_tool(
                "search_archive", {"query": "water tax farmers", "filters": {"kind": ["image"]}}
            )
            return plain, filtered

    plain, filtered = asyncio.run(go())
    assert plain.structured_content["clips"][0]["file"] == "video/studio_cut.mp4"
    assert all(clip["kind"] == "image" for clip in filtered.structured_content["clips"])
