"""Readahead for a search engine's first text query on a cold page cache.

Embedded Chroma reads a space's whole HNSW graph into memory on its first query (the
text space's `data_level0.bin` is 0.5 GB at 10^5 assets): read from a cold disk, after
the imports, the encoder and the full-text queries, in turn. Asking the kernel to read
the text and meta graphs ahead (posix_fadvise WILLNEED: asynchronous, no thread, no
memory of ours) when the engine is built lets that read run beside those steps; with a
warm cache it costs a few system calls (bench/cold_start.py --evict measures it).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from assistant.config import Settings

logger = logging.getLogger(__name__)
# The spaces a text query reads first (engine.text_rankings), not visual/speaker/sound.
TEXT_QUERY_SPACES = ("text", "meta")
_GRAPH_FILES = ("header.bin", "length.bin", "link_lists.bin", "data_level0.bin")


def graph_files(vectors_dir: Path, spaces: Iterable[str]) -> list[Path]:
    """The HNSW files of these spaces in an embedded Chroma folder (its own SQLite says
    which segment folder holds a collection's graph); [] when there is none yet."""
    database = vectors_dir / "chroma.sqlite3"
    if not database.is_file():
        return []
    names = list(spaces)
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=0.2) as db:
            rows = db.execute(
                "SELECT s.id FROM segments s JOIN collections c ON s.collection = c.id "
                f"WHERE s.scope = 'VECTOR' AND c.name IN ({','.join('?' * len(names))})",
                names,
            ).fetchall()
    except sqlite3.Error as exc:  # another Chroma version's schema: no readahead
        logger.debug("no HNSW readahead: %s", exc)
        return []
    found = [vectors_dir / str(segment) / name for (segment,) in rows for name in _GRAPH_FILES]
    return [path for path in found if path.is_file()]


def read_ahead(paths: Iterable[Path]) -> int:
    """Ask the kernel to start reading these files into the page cache; bytes asked."""
    if not hasattr(os, "posix_fadvise"):  # not on Linux: nothing to do
        return 0
    return advise(paths, os.POSIX_FADV_WILLNEED)


def advise(paths: Iterable[Path], advice: int, *, flush: bool = False) -> int:
    """posix_fadvise each whole file (WILLNEED reads it ahead, DONTNEED drops its pages:
    bench/cold_start.py's eviction, with `flush` writing a writable file out first); bytes
    of the files advised. A file that cannot be opened or advised is passed over."""
    asked = 0
    for path in paths:
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            if flush and os.access(path, os.W_OK):
                os.fsync(descriptor)
            os.posix_fadvise(descriptor, 0, 0, advice)
            asked += os.fstat(descriptor).st_size
        except OSError:
            pass
        finally:
            os.close(descriptor)
    return asked


def read_text_index_ahead(settings: Settings) -> int:
    """The readahead for an engine on this archive (embedded Chroma only: a server or
    Qdrant reads its own disk)."""
    store = settings.store
    if store.vectors != "chroma" or store.chroma_url:
        return 0
    return read_ahead(graph_files(settings.vectors_dir, TEXT_QUERY_SPACES))
