"""What a directory entry is, decided from its metadata before anything opens it: a named
pipe or a device would block a reader forever (or never end), a symbolic link may loop or
lead out of the archive. Each problem is a plain reason for the run report."""

from __future__ import annotations

import errno
import os
import stat

# File types that are never media; opening some of them blocks until a writer appears.
SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def entry_problem(full: bytes, root: bytes, follow_outside_links: bool) -> str | None:
    """Why the entry `full` under `root` must not be read, or None when it is a plain file
    (or a link that ends at one the settings let us read)."""
    try:
        own = os.lstat(full)
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    if stat.S_ISLNK(own.st_mode):
        return _link_problem(full, root, follow_outside_links)
    return _special(own.st_mode)


def _link_problem(full: bytes, root: bytes, follow_outside_links: bool) -> str | None:
    try:
        target = os.path.realpath(full, strict=True)
    except FileNotFoundError:
        return None  # dangling: reading it reports "cannot read file" as before
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop (the link leads back to itself); remove it"
        return f"cannot read file: {exc.strerror or exc}"
    inside = os.path.commonpath([target, root]) == root
    if not inside and not follow_outside_links:
        return (
            "a symbolic link to a file outside the archive folder; it is not followed "
            "(set ingest.follow_outside_links to true to index such files)"
        )
    try:
        return _special(os.stat(target).st_mode)
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"


def _special(mode: int) -> str | None:
    for check, name in SPECIAL_KINDS:
        if check(mode):
            return f"not a regular file ({name}); skipped without opening it"
    if not stat.S_ISREG(mode):
        return "not a regular file; skipped without opening it"
    return None
