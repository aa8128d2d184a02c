"""Launch settings: loopback by default, optional password, upload size limit."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client

from tests.helpers.app_search import search_api

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def locked_app(live_app: Any) -> Iterator[tuple[str, Any]]:
    """A second app over the same archive, with a password and a 1 MB upload limit."""
    from conftest import free_port

    from assistant.ui.app import build_app
    from assistant.ui.server import launch_app

    settings = live_app.archive.settings
    serve = settings.serve.model_copy(
        update={"password": "s3cret", "max_upload_mb": 1, "port": free_port()}
    )
    locked = settings.model_copy(update={"serve": serve})
    archive = live_app.archive
    blocks = build_app(archive, object(), lambda: None)
    launch_app(blocks, locked, block=False)
    try:
        yield f"http://127.0.0.1:{serve.port}/", blocks
    finally:
        blocks.close()


def test_defaults_bind_loopback_and_limit_uploads(live_app: Any) -> None:
    from assistant.ui.server import launch_options

    options = launch_options(live_app.archive.settings, live_app.blocks.served_files)
    assert options["server_name"] == "127.0.0.1"
    assert options["auth"] is None
    assert options["max_file_size"] == f"{live_app.archive.settings.serve.max_upload_mb}mb"
    assert str(live_app.root.resolve()) in options["allowed_paths"]
    assert not any(path in ("/", "/tmp") for path in options["allowed_paths"])


def test_password_is_required_when_set(locked_app: tuple[str, Any]) -> None:
    url, _ = locked_app
    assert httpx.get(url + "config").status_code in (401, 403)
    with pytest.raises(Exception):  # noqa: B017 - the client raises a plain ValueError
        Client(url, verbose=False)
    client = Client(url, auth=("archive", "s3cret"), verbose=False)
    assert "/ask" in client.view_api(return_format="dict")["named_endpoints"]


def test_oversize_upload_is_refused(locked_app: tuple[str, Any]) -> None:
    url, _ = locked_app
    with httpx.Client() as http:
        login = http.post(url + "login", data={"username": "archive", "password": "s3cret"})
        assert login.status_code == 200
        response = http.post(
            url + "gradio_api/upload", files={"files": ("big.wav", b"\0" * 1_500_000, "audio/wav")}
        )
    assert response.status_code == 413, response.text


# --- issue #21: walls, sign-in and roles, probed over loopback ---------------------------
READER = ("reader", "r3ad-only")
EDITOR = ("editor", "3dit-all")
API_TOKEN = "tok-0123456789abcdef"


def _serve(live_app: Any, **serve_updates: Any) -> tuple[str, Any]:
    from conftest import free_port

    from assistant.agent.session import ChatSession
    from assistant.retrieval.engine import search_engine
    from assistant.ui.app import build_app
    from assistant.ui.server import launch_app

    archive = live_app.archive
    settings = archive.settings
    serve = settings.serve.model_copy(update={"port": free_port(), **serve_updates})
    engine = search_engine(archive)
    blocks = build_app(archive, engine, lambda: ChatSession(archive, engine))
    launch_app(blocks, settings.model_copy(update={"serve": serve}), block=False)
    return f"http://127.0.0.1:{serve.port}/", blocks


@pytest.fixture(scope="module")
def walled_app(
    live_app: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Any, Any]]:
    """Readers and an editor, one ingest root, an API token."""
    incoming = tmp_path_factory.mktemp("incoming")
    url, blocks = _serve(
        live_app,
        username=READER[0],
        password=READER[1],
        editor_username=EDITOR[0],
        editor_password=EDITOR[1],
        ingest_roots=[incoming],
        tokens={API_TOKEN: EDITOR[0]},
    )
    try:
        yield url, blocks, incoming
    finally:
        blocks.close()


def _client(url: str, auth: tuple[str, str] | None = None) -> Client:
    return Client(url, auth=auth, verbose=False, httpx_kwargs={"timeout": 60})


PROTECTED = [
    ("GET", "config"),
    ("GET", "gradio_api/info"),
    ("GET", "gradio_api/openapi.json"),
    ("GET", "gradio_api/runs"),
    ("GET", "gradio_api/heartbeat/abc123"),
    ("GET", "gradio_api/startup-events"),
    ("GET", "gradio_api/queue/data?session_hash=x"),
    ("POST", "gradio_api/queue/join"),
    ("POST", "gradio_api/upload"),
    ("POST", "gradio_api/run/search"),
    ("POST", "gradio_api/call/ask"),
    ("GET", "theme.css"),
    ("GET", "manifest.json"),
    ("GET", "gradio_api/user"),
    ("GET", "gradio_api/token"),
    ("GET", "monitoring"),
    ("GET", "static/x.js"),
]


def test_every_route_needs_a_sign_in(walled_app: tuple[str, Any, Any], live_app: Any) -> None:
    url, _, _ = walled_app
    archived = live_app.root.resolve() / "docs" / "harbour_report.md"
    with httpx.Client(base_url=url) as http:
        page = http.get("", headers={"Accept": "text/html"})
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        api = http.get("")
        assert api.status_code == 401 and "named_endpoints" not in api.text
        login = http.get("login")
        assert login.status_code == 200 and "<form" in login.text
        assert "named_endpoints" not in login.text and "/ask" not in login.text
        for method, path in [*PROTECTED, ("GET", f"gradio_api/file={archived}")]:
            response = http.request(method, path)
            assert response.status_code == 401, (method, path, response.status_code)


def test_readers_search_and_ask_but_cannot_ingest_or_review(
    walled_app: tuple[str, Any, Any],
) -> None:
    url, _, incoming = walled_app
    with pytest.raises(Exception):  # noqa: B017 - the client raises a plain ValueError
        _client(url)
    reader = _client(url, READER)
    summary, results = search_api(reader, "river road flooding", limit=8)
    assert "clip" in summary.lower() and results
    history, *_ = reader.predict(
        {"text": "What closed the river road?", "files": []}, api_name="/ask"
    )
    assert "[1]" in str(history[-1]["content"])
    with pytest.raises(Exception, match="for editors"):
        reader.predict(str(incoming), api_name="/ingest")
    with pytest.raises(Exception, match="for editors"):
        reader.predict(api_name="/propose_metadata")


def test_editor_ingests_only_under_the_ingest_roots(
    walled_app: tuple[str, Any, Any], tmp_path: Path
) -> None:
    url, _, incoming = walled_app
    folder = incoming / "late_delivery"
    folder.mkdir()
    (folder / "memo.md").write_text("The ferry strike ended on Tuesday after talks.")
    editor = _client(url, EDITOR)
    (folder / "broken.jpg").write_text("not an image")
    report, counts = editor.predict(str(folder), api_name="/ingest")
    assert "Ingested" in report and "broken.jpg" in report and "memo.md" not in report
    assert "document" in counts
    _, results = search_api(editor, "ferry strike", ["document"], limit=8)
    assert "memo.md" in results
    with pytest.raises(Exception, match="not a folder"):
        editor.predict(str(incoming / "no_such_folder"), api_name="/ingest")
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text("salaries of the board")
    escape = incoming / "escape"
    escape.symlink_to(outside, target_is_directory=True)
    dotted = incoming / os.path.relpath(outside, incoming)  # incoming/../../x/private
    for attempt in (outside, escape, dotted, Path("/etc")):
        with pytest.raises(Exception, match="outside the folders"):
            editor.predict(str(attempt), api_name="/ingest")
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {API_TOKEN}"}) as http:
        served = http.get(f"gradio_api/file={(folder / 'memo.md').resolve()}")
        refused = http.get(f"gradio_api/file={(outside / 'secret.txt').resolve()}")
    assert served.status_code == 200 and "ferry strike" in served.text
    assert refused.status_code == 403


def test_bearer_token_and_session_cookie_open_the_api(walled_app: tuple[str, Any, Any]) -> None:
    url, _, _ = walled_app
    assert (
        httpx.get(url + "config", headers={"Authorization": f"Bearer {API_TOKEN}"}).status_code
        == 200
    )
    assert httpx.get(url + "config", headers={"Authorization": "Bearer wrong"}).status_code == 401
    with httpx.Client(base_url=url) as http:
        assert (
            http.post("login", data={"username": READER[0], "password": READER[1]}).status_code
            == 200
        )
        assert http.get("config").status_code == 200
        cookie = http.cookies.jar
        assert any(c.name == "aa_session" and c.has_nonstandard_attr("HttpOnly") for c in cookie)
        http.get("logout")
        http.cookies.clear()
        assert http.get("config").status_code == 401


def test_failed_sign_ins_back_off(live_app: Any) -> None:
    import time

    url, blocks = _serve(
        live_app, password="right-one", login_backoff_s=0.4, login_backoff_max_s=30
    )
    try:
        statuses = []
        began = time.perf_counter()
        with httpx.Client(base_url=url) as http:
            for i in range(100):
                statuses.append(
                    http.post(
                        "login", data={"username": "archive", "password": f"guess{i}"}
                    ).status_code
                )
            elapsed = time.perf_counter() - began
            blocked = http.post("login", data={"username": "archive", "password": "right-one"})
            assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
            checked = statuses.count(401)
            print(
                f"THROTTLE 100 wrong passwords in {elapsed:.2f} s: {checked} checked, "
                f"{statuses.count(429)} refused unchecked"
            )
            assert statuses[0] == 401 and checked <= 10 and statuses.count(429) >= 90
            time.sleep(float(blocked.headers["retry-after"]) + 0.2)
            assert (
                http.post(
                    "login", data={"username": "archive", "password": "right-one"}
                ).status_code
                == 200
            )
    finally:
        blocks.close()


def test_back_off_behind_a_trusted_proxy_is_per_forwarded_client(live_app: Any) -> None:
    """Loopback plays the reverse proxy: its X-Forwarded-For names the reporter, so one
    reporter's failures hold up only that reporter; without trust the header is ignored."""
    login = {"username": "archive", "password": "wrong"}

    def statuses(url: str, forwarded_for: str, tries: int = 3) -> list[int]:
        with httpx.Client(base_url=url) as http:
            return [
                http.post(
                    "login", data=login, headers={"X-Forwarded-For": forwarded_for}
                ).status_code
                for _ in range(tries)
            ]

    url, blocks = _serve(
        live_app, password="right-one", login_backoff_s=30, trusted_proxies=["127.0.0.0/8"]
    )
    try:
        assert statuses(url, "203.0.113.7") == [401, 429, 429]  # one reporter, backed off
        assert statuses(url, "203.0.113.8", 1) == [401]  # a colleague is not held up
        # A forged hop in front of the proxy's own entry does not move the count.
        assert statuses(url, "198.51.100.1, 203.0.113.7", 1) == [429]
    finally:
        blocks.close()
    url, blocks = _serve(live_app, password="right-one", login_backoff_s=30)
    try:  # no trusted proxy: the header is the client's own claim, not believed
        assert statuses(url, "203.0.113.9", 1) == [401]
        assert statuses(url, "203.0.113.10", 1) == [429]
    finally:
        blocks.close()


def test_foreign_host_names_are_refused(live_app: Any) -> None:
    """DNS rebinding: a page on evil.example resolved to 127.0.0.1 sends its own Host."""
    port = live_app.url.rsplit(":", 1)[1].strip("/")
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.nip.io:{port}"):
        response = httpx.get(live_app.url + "config", headers={"Host": host})
        assert response.status_code == 421, host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert httpx.get(live_app.url + "config", headers={"Host": host}).status_code == 200


def test_foreign_origins_get_no_cors_and_no_answers(live_app: Any) -> None:
    url = live_app.url
    evil = {"Origin": "http://evil.example"}
    preflight = httpx.options(
        url + "gradio_api/queue/join", headers={**evil, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 403
    assert "access-control-allow-origin" not in preflight.headers
    assert httpx.get(url + "config", headers=evil).status_code == 403
    assert httpx.post(url + "gradio_api/queue/join", headers=evil, json={}).status_code == 403
    other_port = {"Origin": "http://127.0.0.1:1"}  # another local app on this machine
    assert httpx.get(url + "config", headers=other_port).status_code == 403
    same = httpx.get(url + "config", headers={"Origin": url.rstrip("/")})
    assert same.status_code == 200
    assert not any(h.startswith("access-control-") for h in same.headers)
    cross_site = httpx.get(
        url + "config", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}
    )
    assert cross_site.status_code == 403


def test_open_server_never_ingests_from_the_web(live_app: Any, tmp_path: Path) -> None:
    folder = tmp_path / "home_dir"
    folder.mkdir()
    (folder / "notes.md").write_text("private notes")
    client = _client(live_app.url)
    with pytest.raises(Exception, match="needs a signed-in editor"):
        client.predict(str(folder), api_name="/ingest")
    refused = httpx.get(live_app.url + f"gradio_api/file={(folder / 'notes.md').resolve()}")
    assert refused.status_code == 403


def test_archive_pages_and_drawings_are_inert(live_app: Any, tmp_path: Path) -> None:
    root = live_app.root.resolve()
    page = httpx.get(live_app.url + f"gradio_api/file={root / 'docs' / 'bulletin.html'}")
    assert page.status_code == 200 and "<script>" in page.text
    assert page.headers["content-security-policy"] == "sandbox"
    assert page.headers["content-disposition"].startswith("attachment")
    assert page.headers["x-content-type-options"] == "nosniff"
    photo = httpx.get(live_app.url + f"gradio_api/file={root / 'photos' / 'messi5.jpg'}")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert "attachment" not in photo.headers.get("content-disposition", "")
