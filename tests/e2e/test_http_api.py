"""The HTTP API (issue #19) over loopback with httpx: search with filters as query
parameters, ask as server-sent events, assets, media with range requests, OpenAPI, and the
same sign-in as the app (issue #21)."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.e2e


def _events(text: str) -> list[tuple[str, Any]]:
    found = []
    for block in text.split("\n\n"):
        lines = dict(
            line.split(": ", 1) for line in block.splitlines() if line and not line.startswith(":")
        )
        if "event" in lines:
            found.append((lines["event"], json.loads(lines["data"])))
    return found


def test_search_takes_filters_as_query_parameters(live_app: Any) -> None:
    with httpx.Client(base_url=live_app.url, timeout=60) as http:
        everything = http.get("api/search", params={"q": "railway strike", "k": 10})
        documents = http.get("api/search", params={"q": "railway strike", "kind": "document"})
        bad = http.get("api/search", params={"q": "x", "date_from": "12/03/2019"})
    assert everything.status_code == 200, everything.text
    clips = documents.json()["clips"]
    assert clips and all(clip["kind"] == "document" for clip in clips)
    assert any(clip["file"] == "docs/bulletin.html" for clip in clips)
    assert all(clip["link"].startswith(f"/api/assets/{clip['asset_id']}/media") for clip in clips)
    assert "path" not in clips[0]  # no absolute paths of the server's disk
    assert bad.status_code == 400 and "date" in bad.json()["detail"]["error"].lower()


def test_ask_streams_server_sent_events_ending_with_the_cited_answer(live_app: Any) -> None:
    with httpx.Client(base_url=live_app.url, timeout=120) as http:
        response = http.get("api/ask", params={"q": "What closed the river road?"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "tool_started" and "token" in kinds and kinds[-1] == "answer"
    answer = events[-1][1]
    assert "[1]" in answer["answer"] and answer["citations"]
    assert answer["citations"][0]["link"].startswith("/api/assets/")


def test_assets_and_their_media_with_range_requests(live_app: Any) -> None:
    catalog = live_app.archive.catalog
    video = next(a for a in catalog.assets() if a.kind == "video")
    with httpx.Client(base_url=live_app.url, timeout=60) as http:
        detail = http.get(f"api/assets/{video.asset_id}", params={"at_s": 5})
        whole = http.head(f"api/assets/{video.asset_id}/media")
        part = http.get(f"api/assets/{video.asset_id}/media", headers={"Range": "bytes=100-199"})
        missing = http.get("api/assets/0000000000000000")
    assert detail.status_code == 200 and detail.json()["file"] == video.rel_path
    assert detail.json()["link"].startswith(f"/api/assets/{video.asset_id}/media#t=")
    assert whole.headers["accept-ranges"] == "bytes"
    size = int(whole.headers["content-length"])
    assert part.status_code == 206 and len(part.content) == 100
    assert part.headers["content-range"] == f"bytes 100-199/{size}"
    assert part.content == (live_app.root / video.rel_path).read_bytes()[100:200]
    assert missing.status_code == 404


def test_openapi_describes_the_api(live_app: Any) -> None:
    schema = httpx.get(live_app.url + "api/openapi.json").json()
    assert {"/search", "/ask", "/assets/{asset_id}", "/assets/{asset_id}/media"} <= set(
        schema["paths"]
    )
    names = {p["name"] for p in schema["paths"]["/search"]["get"]["parameters"]}
    assert {"q", "kind", "date_from", "date_to", "place", "people", "topics"} <= names


def test_the_api_is_behind_the_same_sign_in(live_app: Any) -> None:
    from test_app_security import _serve

    url, blocks = _serve(live_app, password="pw", tokens={"api-token-1": "archive"})
    try:
        assert httpx.get(url + "api/search", params={"q": "flood"}).status_code == 401
        assert httpx.get(url + "api/openapi.json").status_code == 401
        signed = httpx.get(
            url + "api/search",
            params={"q": "flood"},
            timeout=60,
            headers={"Authorization": "Bearer api-token-1"},
        )
        assert signed.status_code == 200 and signed.json()["clips"]
    finally:
        blocks.close()


def test_swagger_docs_load_their_assets_from_this_server(live_app: Any) -> None:
    """/api/docs must work air-gapped: its script and styles come from /api, not a CDN."""
    with httpx.Client(base_url=live_app.url, timeout=60) as http:
        page = http.get("api/docs")
        assert page.status_code == 200
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
        assert "cdn" not in page.text and "https://" not in page.text, page.text
        for asset in assets:
            assert asset.startswith("/api/"), asset
            fetched = http.get(asset.lstrip("/"))
            assert fetched.status_code == 200 and len(fetched.content) > 1_000, asset
