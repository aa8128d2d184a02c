"""Ingest's batched writes (ingest/store.py store_batch): one catalog commit per batch,
one vector upsert per space, the same rows as storing file by file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.ingest.extract import Extracted
from assistant.ingest.store import store_batch, store_extracted
from assistant.schemas import MetadataValue, Segment
from tests.helpers.builders import asset_row


def _item(i: int) -> tuple[Extracted, dict[str, dict[str, np.ndarray]]]:
    asset_id = f"{i:016x}"
    segments = [
        Segment.of(asset_id, "text", j, text=f"harbour report {i} part {j}") for j in range(2)
    ]
    asset = asset_row("/a", f"doc{i}.txt", "document", asset_id)
    metadata = [MetadataValue(field="place", value=f"Leuven {i}", source="sidecar")]
    rng = np.random.default_rng(i)
    vectors = rng.standard_normal((2, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    by_id = {s.segment_id: v for s, v in zip(segments, vectors, strict=True)}
    return Extracted(asset=asset, segments=segments, metadata=metadata), {"text": by_id}


def _snapshot(archive: Archive) -> list[object]:
    catalog = archive.catalog
    return [
        [(a.asset_id, a.status) for a in catalog.assets(status=None)],
        [s.segment_id for a in catalog.assets() for s in catalog.segments(a.asset_id)],
        catalog.metadata_search("Leuven", 10),
        catalog.keyword_search("harbour", 20),
        archive.vectors.count("text"),
        catalog.stale_meaning(100),
    ]


def test_store_batch_commits_once_and_matches_file_by_file(tmp_path: Path) -> None:
    batched = Archive.open(load_settings("test", data_dir=tmp_path / "batched"))
    single = Archive.open(load_settings("test", data_dir=tmp_path / "single"))
    items = [_item(i) for i in range(6)]
    before = batched.catalog.data_version()[0]
    store_batch(batched, items)
    # pending rows, then `indexed`: two commits for the whole batch (was ~6 per file)
    assert batched.catalog.data_version()[0] - before == 2
    for item, vectors in items:
        store_extracted(single, item, vectors)
    assert _snapshot(batched) == _snapshot(single)
    assert all(a.status == "indexed" for a in batched.catalog.assets(status=None))
    assert batched.vectors.count("text") == 12
    batched.close()
    single.close()


def test_a_failure_inside_a_batch_rolls_the_whole_batch_back(tmp_path: Path) -> None:
    archive = Archive.open(load_settings("test", data_dir=tmp_path))
    catalog = archive.catalog
    item, _ = _item(1)
    with pytest.raises(RuntimeError), catalog.transaction():
        catalog.put_asset(item.asset)
        with catalog.transaction():  # joins the outer transaction
            catalog.set_metadata(item.asset.asset_id, item.metadata)
        raise RuntimeError("crash mid-batch")
    assert catalog.assets(status=None) == []
    assert catalog.metadata(item.asset.asset_id) == []
    archive.close()


def test_store_batch_adds_the_seconds_of_each_step_to_phases(tmp_path: Path) -> None:
    archive = Archive.open(load_settings("test", data_dir=tmp_path))
    phases = {"catalog": 100.0}  # a caller's running totals: added to, not replaced
    store_batch(archive, [_item(i) for i in range(3)], phases)
    assert set(phases) == {"vector_delete", "catalog", "vector_upsert", "status"}
    assert phases["catalog"] > 100.0
    assert all(seconds >= 0.0 for seconds in phases.values())
    store_batch(archive, [_item(i) for i in range(3, 5)])  # no phases: nothing to add to
    assert archive.vectors.count("text") == 10
    archive.close()
