"""Walking the archive folder: media candidates, sidecars, and names we cannot store.

Walks with bytes paths so a file name that is not valid UTF-8 is still seen (and then
reported under a safe, printable form) instead of crashing the walk.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from assistant.ingest.entries import entry_problem
from assistant.media.sniff import is_sidecar


@dataclass
class ScanResult:
    root: Path
    media: list[Path] = field(default_factory=list)
    sidecars: list[Path] = field(default_factory=list)
    # (printable absolute path, printable path relative to root, reason): entries that
    # cannot be ingested as they are named, and pipes, devices and refused links
    bad_names: list[tuple[str, str, str]] = field(default_factory=list)


def printable(path: bytes | str) -> str:
    """A path as UTF-8 text: undecodable bytes shown as \\xNN (for reports and the catalog)."""
    raw = path if isinstance(path, bytes) else os.fsencode(path)
    return raw.decode("utf-8", errors="backslashreplace")


def scan(
    root: Path, exclude: tuple[Path, ...] = (), follow_outside_links: bool = False
) -> ScanResult:
    """Files under `root`, skipping hidden entries and the `exclude` folders (the data dir,
    whose thumbnails must not be ingested as photos when it lives inside the archive).
    Pipes, devices, link loops and links out of the archive are refused here, unopened."""
    result = ScanResult(root=root)
    skipped = {os.fsencode(path.resolve()) for path in exclude}
    real_root = os.path.realpath(os.fsencode(root))
    for folder, dirs, files in os.walk(os.fsencode(root)):
        dirs.sort()
        dirs[:] = [
            d for d in dirs if not d.startswith(b".") and os.path.join(folder, d) not in skipped
        ]
        for name in sorted(files):
            if name.startswith(b"."):
                continue
            full = os.path.join(folder, name)
            try:
                text = os.fsdecode(full)
                text.encode("utf-8")
            except UnicodeError:
                result.bad_names.append(
                    (
                        printable(full),
                        printable(os.path.relpath(full, os.fsencode(root))),
                        "file name is not valid UTF-8; rename the file (e.g. with `convmv`) "
                        "so it can be stored and cited",
                    )
                )
                continue
            problem = entry_problem(full, real_root, follow_outside_links)
            if problem is not None:
                result.bad_names.append(
                    (text, printable(os.path.relpath(full, os.fsencode(root))), problem)
                )
                continue
            path = Path(text)
            (result.sidecars if is_sidecar(path) else result.media).append(path)
    return result
