"""Readahead of the text and meta graphs for a cold first query (retrieval/warm_up.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.retrieval import warm_up
from assistant.store.vectors.chroma import ChromaIndex


def test_graph_files_are_the_text_spaces_hnsw_files(tmp_path: Path) -> None:
    assert warm_up.graph_files(tmp_path, warm_up.TEXT_QUERY_SPACES) == []  # no index yet
    index = ChromaIndex(tmp_path)
    rng = np.random.default_rng(3)
    for space in ("text", "visual"):
        vectors = rng.standard_normal((1500, 8)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        ids = [f"{space}-{i}" for i in range(len(vectors))]
        index.upsert(space, ids, vectors, ids)
        index.query(space, vectors[0], 5)  # the graph is on disk once queried
    files = warm_up.graph_files(tmp_path, warm_up.TEXT_QUERY_SPACES)
    names = {path.name for path in files}
    assert "data_level0.bin" in names
    assert len({path.parent for path in files}) == 1  # the text space's folder, not visual's
    everything = warm_up.graph_files(tmp_path, ("text", "visual"))
    assert len({path.parent for path in everything}) == 2
    assert warm_up.read_ahead(files) == sum(path.stat().st_size for path in files)
    index.close()


def test_advise_counts_the_files_it_advised_and_passes_over_the_missing(tmp_path: Path) -> None:
    import os

    written = tmp_path / "rows.f32"
    written.write_bytes(b"\0" * 4096)
    missing = tmp_path / "gone.bin"
    # Eviction (bench/cold_start.py): written out first, then dropped; a missing file is skipped.
    assert warm_up.advise([written, missing], os.POSIX_FADV_DONTNEED, flush=True) == 4096
    assert warm_up.read_ahead([missing]) == 0


def test_an_engine_loads_the_text_graph_in_the_background(tmp_path: Path) -> None:
    from assistant.archive import Archive
    from assistant.config import load_settings
    from assistant.retrieval.engine import search_engine

    archive = Archive.open(load_settings("test", data_dir=tmp_path), model_overrides={"clip": None})
    search_engine(archive)
    assert "warm_up" not in archive.extras  # no graph on disk yet: nothing to load
    rng = np.random.default_rng(4)
    vectors = rng.standard_normal((1500, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"s{i}" for i in range(len(vectors))]
    archive.vectors.upsert("text", ids, vectors, ids)
    archive.vectors.query("text", vectors[0], 3)
    archive.close()

    archive = Archive.open(load_settings("test", data_dir=tmp_path), model_overrides={"clip": None})
    search_engine(archive)
    assert "warm_up" in archive.extras
    search_engine(archive)  # a second engine on the same archive starts no second thread
    assert archive.vectors.query("text", vectors[7], 1)[0][0] == "s7"
    archive.close()  # waits for the thread
    assert archive.extras == {}


class _PausedWarmUp:
    """A Chroma client whose warm-up thread stops right after it got the space's
    collection, until `go` is set: the ordering that let a warm-up cache a handle to a
    collection `drop_space` deleted meanwhile (reembed's "Collection does not exist")."""

    def __init__(self, client: object) -> None:
        import threading

        self._client = client
        self.got, self.go = threading.Event(), threading.Event()

    def __getattr__(self, name: str) -> object:
        found = getattr(self._client, name)
        if name not in ("get_collection", "get_or_create_collection"):
            return found

        def paused(*args: object, **kwargs: object) -> object:
            import threading

            collection = found(*args, **kwargs)
            if threading.current_thread().name.startswith("warm-up-"):
                self.got.set()
                self.go.wait(10)
            return collection

        return paused


def test_a_space_dropped_while_it_warms_up_is_not_brought_back(tmp_path: Path) -> None:
    import threading

    index = ChromaIndex(tmp_path)
    rng = np.random.default_rng(5)
    old = rng.standard_normal((50, 8)).astype(np.float32)
    index.upsert("text", [f"old{i}" for i in range(50)], old, [f"a{i}" for i in range(50)])
    index._collections.clear()  # a fresh process: the warm-up is the first to get it
    client = index._client = _PausedWarmUp(index._client)
    warming = warm_up.WarmUp(index, ["text"])
    assert client.got.wait(10)
    dropping = threading.Thread(target=index.drop_space, args=("text",))
    dropping.start()
    dropping.join(0.3)  # the drop waits for the warm-up, or (before the fix) ran past it
    client.go.set()
    warming.close()
    dropping.join()
    new = rng.standard_normal((3, 16)).astype(np.float32)  # another encoder's dimension
    index.upsert("text", ["n0", "n1", "n2"], new, ["b0", "b1", "b2"])
    assert index.count("text") == 3
    assert index.query("text", new[1], 1)[0][0] == "n1"
    index.close()


def test_a_warm_up_after_the_drop_creates_no_space(tmp_path: Path) -> None:
    index = ChromaIndex(tmp_path)
    vectors = np.eye(4, dtype=np.float32)
    index.upsert("meta", ["m0", "m1", "m2", "m3"], vectors, ["a", "b", "c", "d"])
    index.drop_space("meta")
    index.warm("meta")  # started before the drop, run after it: nothing to load
    assert "meta" not in {c.name for c in index._client.list_collections()}
    index.close()
