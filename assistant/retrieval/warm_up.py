"""Readahead and warm-up for a search engine's first text query.

Embedded Chroma reads a space's whole HNSW graph into memory on its first query (the
text space's `data_level0.bin` is 0.5 GB at 10^5 assets): read from a cold disk, after
the imports, the encoder and the full-text queries, in turn. Asking the kernel to read
the text and meta graphs ahead (posix_fadvise WILLNEED: asynchronous, no thread, no
memory of ours) when the engine is built lets that read run beside those steps; with a
warm cache it costs a few system calls (bench/cold_start.py --evict measures it).

Then background threads load those graphs into Chroma (`ChromaIndex.warm`: Chroma
releases the GIL while it loads), beside the query encoder's load, the first encode and
the full-text queries of the first query, which then finds them loaded or loading (it
waits on Chroma's own lock, never on a half-loaded graph). The thread is the archive's
(`extras["warm_up"]`): closing the archive waits for it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.archive import Archive
    from assistant.store.vectors.chroma import ChromaIndex
    from assistant.store.vectors.faiss_index import FaissIndex

logger = logging.getLogger(__name__)
# The spaces a text query reads first (engine.text_rankings), not visual/speaker/sound.
TEXT_QUERY_SPACES = ("text", "meta")
_GRAPH_FILES = ("header.bin", "length.bin", "link_lists.bin", "data_level0.bin")


def graph_folders(vectors_dir: Path, spaces: Iterable[str]) -> dict[str, Path]:
    """Each space's HNSW folder in an embedded Chroma folder (its own SQLite says which
    segment holds a collection's graph), for the spaces that have one on disk."""
    database = vectors_dir / "chroma.sqlite3"
    if not database.is_file():
        return {}
    names = list(spaces)
    try:
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=0.2)) as db:
            rows = db.execute(
                "SELECT c.name, s.id FROM segments s JOIN collections c ON s.collection = c.id "
                f"WHERE s.scope = 'VECTOR' AND c.name IN ({','.join('?' * len(names))})",
                names,
            ).fetchall()
    except sqlite3.Error as exc:  # another Chroma version's schema: no readahead
        logger.debug("no HNSW readahead: %s", exc)
        return {}
    folders = {str(name): vectors_dir / str(segment) for name, segment in rows}
    return {name: path for name, path in folders.items() if (path / "data_level0.bin").is_file()}


def graph_files(vectors_dir: Path, spaces: Iterable[str]) -> list[Path]:
    """The HNSW files of these spaces; [] when there is no graph on disk yet."""
    folders = graph_folders(vectors_dir, spaces).values()
    found = [folder / name for folder in folders for name in _GRAPH_FILES]
    return [path for path in found if path.is_file()]


def faiss_files(data_dir: Path, space: str) -> list[Path]:
    """A faiss-backed space's index files (store/vectors/faiss_space.py; not its rows:
    a query reads a few hundred of them, 7.7 GB at 5M text vectors)."""
    return sorted((data_dir / "faiss").glob(f"{space}.*.faiss"))


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


class WarmUp:
    """One thread per space loading its graph (Chroma loads two spaces side by side, on
    the two cores); `close()` waits for them (Archive.close)."""

    def __init__(self, vectors: ChromaIndex | FaissIndex, spaces: list[str]) -> None:
        # Not daemons: the interpreter's exit waits for them, never stops one in Chroma.
        self._threads = [
            threading.Thread(target=self._run, args=(vectors, space), name=f"warm-up-{space}")
            for space in spaces
        ]
        for thread in self._threads:
            thread.start()

    @staticmethod
    def _run(vectors: ChromaIndex | FaissIndex, space: str) -> None:
        try:
            vectors.warm(space)
        except Exception as exc:  # the first query meets it again, and says it
            logger.debug("warm-up of '%s' failed: %s", space, exc)

    def close(self) -> None:
        for thread in self._threads:
            thread.join()


def warm_up(archive: Archive) -> None:
    """Read ahead and load the text query's graphs (embedded Chroma with graphs on disk;
    a server or Qdrant reads its own disk), once per archive."""
    store = archive.settings.store
    if "warm_up" in archive.extras:
        return
    if store.vectors == "faiss":  # its index files, read ahead and loaded the same way
        from assistant.store.vectors.faiss_index import FaissIndex

        if not isinstance(archive.vectors, FaissIndex):  # a test's own index
            return
        files = [p for s in TEXT_QUERY_SPACES for p in faiss_files(archive.settings.data_dir, s)]
        read_ahead(files)
        archive.extras["warm_up"] = WarmUp(archive.vectors, list(TEXT_QUERY_SPACES))
        return
    if store.vectors != "chroma" or store.chroma_url:
        return
    from assistant.store.vectors.chroma import ChromaIndex

    if not isinstance(archive.vectors, ChromaIndex):  # a test's own index
        return
    folders = graph_folders(archive.settings.vectors_dir, TEXT_QUERY_SPACES)
    if not folders:
        return
    read_ahead(folder / name for folder in folders.values() for name in _GRAPH_FILES)
    archive.extras["warm_up"] = WarmUp(archive.vectors, list(folders))
