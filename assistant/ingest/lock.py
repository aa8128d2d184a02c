"""One writer per data dir: an ingest holds an exclusive lock on `DATA_DIR/ingest.lock`
for its whole run. A second ingest waits for it or refuses with who holds it; the server
and searches never take it (SQLite WAL lets them read while the ingest writes)."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from assistant.errors import AssistantError

LOCK_NAME = "ingest.lock"
POLL_S = 0.5


def _holder(handle_path: Path) -> str:
    try:
        text = handle_path.read_text().strip()
    except OSError:
        text = ""
    return f" ({text})" if text else ""


@contextmanager
def data_dir_lock(
    data_dir: Path, wait: bool = False, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the data dir's ingest lock. The OS releases it when the process dies, so a
    killed ingest never leaves a stale lock."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_NAME
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        told = False
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                message = f"Another ingest is writing to {data_dir}{_holder(path)}."
                if not wait:
                    raise AssistantError(
                        message,
                        hint="Wait for it to finish (or run `assistant ingest "
                        "--wait` to queue behind it), or use another --data-dir.",
                    ) from None
                if not told and on_wait is not None:
                    on_wait(message + " Waiting for it to finish...")
                    told = True
                time.sleep(POLL_S)
        os.ftruncate(descriptor, 0)
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.write(descriptor, f"pid {os.getpid()}, started {started}".encode())
        yield
    finally:
        os.close(descriptor)  # releases the lock
