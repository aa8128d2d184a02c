"""Accounts and roles, the sign-in back-off, and which folders an editor may ingest."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.config import ServeSettings, ServeUser
from assistant.errors import AssistantError
from assistant.ui.access import Access, LoginRefused
from assistant.ui.walls import allowed_hosts, host_name


def test_one_password_is_one_editor_and_two_make_readers_and_an_editor() -> None:
    single = Access(ServeSettings(password="pw"))
    assert single.role_of("archive") == "editor" and single.role_of("nobody") is None
    split = Access(
        ServeSettings(
            password="r", editor_password="e", users={"ana": ServeUser(password="a", role="editor")}
        )
    )
    assert split.role_of("archive") == "reader"
    assert split.role_of("editor") == "editor" and split.role_of("ana") == "editor"
    open_server = Access(ServeSettings())
    assert not open_server.enabled and open_server.anonymous() is not None
    assert single.anonymous() is None


def test_sessions_and_tokens_identify_their_user() -> None:
    access = Access(ServeSettings(password="r", editor_password="e", tokens={"t0k": "editor"}))
    token = access.login("archive", "r", "10.0.0.1")
    assert access.session(token) == access.bearer(token)
    assert access.session(token).role == "reader"  # type: ignore[union-attr]
    assert access.bearer("t0k").role == "editor"  # type: ignore[union-attr]
    assert access.bearer("t0kk") is None and access.session("forged") is None
    access.logout(token)
    assert access.session(token) is None


def test_a_token_for_an_unknown_user_is_a_configuration_error() -> None:
    with pytest.raises(AssistantError, match="no account"):
        Access(ServeSettings(password="r", tokens={"t": "ghost"}))


def test_failures_back_off_exponentially_per_client() -> None:
    access = Access(ServeSettings(password="pw", login_backoff_s=0.05, login_backoff_max_s=0.3))
    with pytest.raises(LoginRefused) as first:
        access.login("archive", "nope", "a")
    assert first.value.retry_after_s == 0
    with pytest.raises(LoginRefused) as blocked:
        access.login("archive", "pw", "a")  # even the right password waits
    assert 0 < blocked.value.retry_after_s <= 0.05
    assert access.login("archive", "pw", "b")  # another client is not held up
    waits = []
    for _ in range(4):
        time.sleep(access.backoff.wait_s("a") + 0.01)
        with pytest.raises(LoginRefused):
            access.login("archive", "nope", "a")
        waits.append(access.backoff.wait_s("a"))
    assert waits[0] < waits[1] < waits[2] and waits[3] <= 0.3
    time.sleep(access.backoff.wait_s("a") + 0.01)
    assert access.login("archive", "pw", "a")
    assert access.backoff.wait_s("a") == 0


def test_ingest_needs_an_editor_and_a_folder_under_the_roots(tmp_path: Path) -> None:
    root = tmp_path / "incoming"
    (root / "batch").mkdir(parents=True)
    (tmp_path / "private").mkdir()
    (root / "link").symlink_to(tmp_path / "private", target_is_directory=True)
    access = Access(ServeSettings(password="r", editor_password="e", ingest_roots=[root]))
    assert access.ingest_folder("editor", str(root / "batch")) == (root / "batch").resolve()
    with pytest.raises(AssistantError, match="for editors"):
        access.ingest_folder("archive", str(root / "batch"))
    for outside in (tmp_path / "private", root / "link", root / ".." / "private"):
        with pytest.raises(AssistantError, match="outside the folders"):
            access.ingest_folder("editor", str(outside))
    with pytest.raises(AssistantError, match="needs a signed-in editor"):
        Access(ServeSettings(ingest_roots=[root])).ingest_folder(None, str(root / "batch"))
    with pytest.raises(AssistantError, match="allows no folders"):
        Access(ServeSettings(password="e")).ingest_folder("archive", str(root))


def test_host_names_are_parsed_and_loopback_is_the_default() -> None:
    assert host_name("[::1]:7860") == "::1" and host_name("LocalHost:80") == "localhost"
    assert host_name("127.0.0.1") == "127.0.0.1"
    assert allowed_hosts(ServeSettings()) == {"127.0.0.1", "localhost", "::1"}
    wide = allowed_hosts(ServeSettings(host="0.0.0.0", allowed_hosts=["Archive.Desk"]))
    assert "archive.desk" in wide and "0.0.0.0" not in wide


def test_forwarded_for_is_believed_only_from_trusted_proxies() -> None:
    from assistant.ui.client_address import client_address, trusted_networks

    def scope(peer: str, *forwarded: str) -> dict[str, object]:
        headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
        return {"type": "http", "client": (peer, 5000), "headers": headers}

    proxies = trusted_networks(["10.0.0.0/24", "::1"])
    assert client_address(scope("10.0.0.2", "203.0.113.7"), proxies) == "203.0.113.7"
    # the client wrote its own header before the proxy appended the real address
    assert client_address(scope("10.0.0.2", "1.2.3.4, 203.0.113.7"), proxies) == "203.0.113.7"
    # two trusted proxies in a row, over two header lines
    assert client_address(scope("::1", "203.0.113.7", "10.0.0.9"), proxies) == "203.0.113.7"
    assert client_address(scope("198.51.100.1", "203.0.113.7"), proxies) == "198.51.100.1"
    assert client_address(scope("10.0.0.2"), proxies) == "10.0.0.2"
    assert client_address(scope("10.0.0.2", "203.0.113.7"), ()) == "10.0.0.2"
    with pytest.raises(AssistantError, match="trusted_proxies"):
        trusted_networks(["proxy.local"])
