"""Launch settings: loopback by default, optional password, upload size limit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from gradio_client import Client

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def locked_app(live_app: Any) -> Iterator[tuple[str, Any]]:
    """A second app over the same archive, with a password and a 1 MB upload limit."""
    from conftest import free_port

    from assistant.ui.app import build_app
    from assistant.ui.server import launch_app

    settings = live_app.archive.settings
    serve = settings.serve.model_copy(update={"password": "s3cret", "max_upload_mb": 1,
                                              "port": free_port()})
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
        response = http.post(url + "gradio_api/upload",
                             files={"files": ("big.wav", b"\0" * 1_500_000, "audio/wav")})
    assert response.status_code == 413, response.text
