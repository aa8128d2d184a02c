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
