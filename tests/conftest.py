"""Shared fixtures. The autouse guard keeps every test offline: a hidden download fails
loudly (socket refused) instead of hanging."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # imported late at run time: pytest_configure sets the caches up first
    from assistant.archive import Archive
    from assistant.config import Settings
    from tests.helpers.sessions import SessionOpener

_OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "DO_NOT_TRACK": "1",
}
_LOOPBACK = ("127.", "::1", "localhost")


def pytest_configure(config: pytest.Config) -> None:
    """A developer's ASSISTANT_* settings must not leak into tests (nor into the
    subprocesses they start): every test builds its settings explicitly."""
    for key in [k for k in os.environ if k.startswith("ASSISTANT_")]:
        del os.environ[key]
    from assistant.caches import own_caches

    # numba's compiled code in a folder of this test run's own: test runs side by side (or
    # a worker killed on purpose by the kill -9 test) must never corrupt a shared cache,
    # which would segfault every later import of librosa. Costs one compile per run.
    if not os.environ.get("NUMBA_CACHE_DIR"):
        os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="aa-test-numba-")
        config.add_cleanup(lambda: shutil.rmtree(os.environ["NUMBA_CACHE_DIR"], ignore_errors=True))
    own_caches()  # torch & co. cache under ours before any test imports them


class NetworkBlocked(RuntimeError):
    pass


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        return host.startswith(_LOOPBACK) or host in {"", "0.0.0.0"}
    return isinstance(address, str | bytes)  # AF_UNIX paths


@pytest.fixture(autouse=True)
def offline_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in _OFFLINE_ENV.items():
        monkeypatch.setenv(key, value)
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_connect(self: socket.socket, address: object) -> object:
        if not _is_loopback(address):
            raise NetworkBlocked(f"test tried to reach {address!r}; tests must stay offline")
        return real_connect(self, address)  # type: ignore[arg-type]

    def guarded_connect_ex(self: socket.socket, address: object) -> int:
        if not _is_loopback(address):
            raise NetworkBlocked(f"test tried to reach {address!r}; tests must stay offline")
        return real_connect_ex(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    yield


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def test_settings(data_dir: Path):  # type: ignore[no-untyped-def]
    """Settings from the test profile with the data dir in tmp_path. Unit tests extract
    in-process (ingest.workers 0): their monkeypatched fakes live in this process only.
    Tests of the worker processes build their settings with workers on."""
    from assistant.config import load_settings

    settings = load_settings("test", data_dir=data_dir)
    settings.ingest.workers = 0
    return settings


@pytest.fixture
def open_session(test_settings: Settings) -> Iterator[SessionOpener]:
    """Opens chat sessions over scripted models (tests/helpers/sessions.py)."""
    from tests.helpers.sessions import SessionOpener

    opener = SessionOpener(test_settings)
    yield opener
    opener.close()


@pytest.fixture
def archive(test_settings: Settings) -> Iterator[Archive]:
    """An archive on test_settings with no CLIP and no speech model, texts embedded by the
    hashing encoder (tests/helpers/hashing_text.py); closed after the test. Test modules
    that need another archive define their own `archive` fixture, which wins."""
    from assistant.archive import Archive
    from tests.helpers.hashing_text import text_only

    opened = Archive.open(test_settings, model_overrides=text_only())
    yield opened
    opened.close()
