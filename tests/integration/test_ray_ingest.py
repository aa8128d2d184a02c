"""Distributed ingest on a real two-node Ray cluster started on this machine (`ray start
--head` plus a second node joining it, one CPU each, temp dirs, torn down after): the
catalog and the index equal a local run's on real media (espeak speech, Debian photos, a
document); a file that crashes its actor fails alone, the actor is replaced, and the next
run resumes incrementally. Select with `pytest -k ray`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.ingest.distributed import RAY
from assistant.ingest.pipeline import ingest_folder
from assistant.ingest.ray_local import LocalRayCluster
from assistant.progress import NullProgress
from samples.media import REPORT_TEXT, audio_with_speech, debian_photo
from tests.helpers.hostile_jobs import misbehaving_job
from tests.helpers.snapshots import metadata_rows, vector_counts

pytest.importorskip("ray")
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    logs = tmp_path_factory.mktemp("ray-logs")
    with LocalRayCluster(2, logs, pythonpath=str(REPO)) as address:
        yield address


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ray-archive") / "archive"
    root.mkdir()
    shutil.copy(debian_photo("fruits.jpg"), root / "fruits.jpg")
    shutil.copy(debian_photo("messi5.jpg"), root / "messi5.jpg")
    (root / "harbour.md").write_text(REPORT_TEXT)
    audio_with_speech(
        [(0.5, "The harbour reopened this morning after the storm."), (4.0, "Ferries run.")],
        root / "radio.wav",
    )
    return root


class _Progress(NullProgress):
    """Keeps each bar's last count (other progress calls do nothing, as NullProgress)."""

    def __init__(self) -> None:
        self.bars: dict[str, float] = {}  # stage -> last count

    def update(self, stage: str, done: float, total: float, message: str = "") -> None:
        self.bars[stage] = done


def _archive(data: Path, ray: str | None) -> Archive:
    settings = load_settings("test", data_dir=data)
    settings.ingest.workers = 0  # the local run extracts in-process
    settings.ingest.ray = ray
    return Archive.open(settings)


def _vectors(archive: Archive, space: str) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for ids, matrix, _ in archive.vectors.scan(space):
        out.update(zip(ids, matrix, strict=True))
    return out


def _snapshot(archive: Archive) -> dict[str, Any]:
    catalog = archive.catalog
    assets = catalog.assets(status=None)
    return {
        "assets": sorted((a.rel_path, a.asset_id, a.kind, a.status) for a in assets),
        "segments": sorted(
            (s.segment_id, s.kind, s.start_s, s.end_s, s.text, s.embedded)
            for a in assets
            for s in catalog.segments(a.asset_id)
        ),
        "metadata": metadata_rows(archive, assets),
        "counts": vector_counts(archive),
    }


@pytest.fixture(scope="module")
def local(media: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    archive = _archive(tmp_path_factory.mktemp("local") / "data", None)
    report = ingest_folder(archive, media)
    assert report.failures == []
    yield archive
    archive.close()


@pytest.fixture(scope="module")
def distributed(
    cluster: str, media: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Archive, _Progress]]:
    archive = _archive(tmp_path_factory.mktemp("ray") / "data", cluster)
    progress = _Progress()
    report = ingest_folder(archive, media, progress)
    assert report.failures == []
    yield archive, progress
    archive.close()


def test_ray_ingest_equals_a_local_run(
    local: Archive, distributed: tuple[Archive, _Progress]
) -> None:
    archive, _ = distributed
    ours, theirs = _snapshot(archive), _snapshot(local)
    assert ours == theirs
    assert ours["counts"]["text"] > 0
    assert any("harbour" in s[4].lower() for s in ours["segments"] if s[1] == "speech")
    # The text vectors were computed on the nodes, by the same model: the same vectors.
    ray_vectors, local_vectors = _vectors(archive, "text"), _vectors(local, "text")
    assert ray_vectors.keys() == local_vectors.keys()
    for segment_id, vector in ray_vectors.items():
        assert float(np.dot(vector, local_vectors[segment_id])) == pytest.approx(
            float(np.dot(vector, vector)), rel=1e-3
        )


def test_ray_ingest_uses_both_nodes_and_shows_files_per_node(
    distributed: tuple[Archive, _Progress],
) -> None:
    archive, progress = distributed
    workers = archive.extras[RAY]
    assert len({slot.node.node_id for slot in workers.slots}) == 2
    per_node = {k: v for k, v in progress.bars.items() if k.startswith("files on node")}
    assert sum(per_node.values()) == 4  # every file answered by some node
    assert len(per_node) == 2  # the photo batch was shared out
    assert sum(workers.per_node.values()) == 4


def test_ray_a_file_that_kills_its_actor_fails_alone_and_the_run_resumes(
    distributed: tuple[Archive, _Progress], media: Path
) -> None:
    archive, _ = distributed
    before = _snapshot(archive)
    data = debian_photo("leuvenA.jpg").read_bytes()
    (media / "CRASH.jpg").write_bytes(data + b"\x01")
    (media / "ONCE.jpg").write_bytes(data + b"\x02")
    try:
        report = ingest_folder(archive, media, job=misbehaving_job)
    finally:
        (media / "CRASH.jpg").unlink()
    reasons = {f.path: f.reason for f in report.failures}
    assert list(reasons) == ["CRASH.jpg"]
    assert reasons["CRASH.jpg"].startswith("the file's analysis crashed its Ray ingest actor")
    assert reasons["CRASH.jpg"].endswith("it was retried once in a fresh actor")
    assert any(w.startswith("ONCE.jpg: ") and "second try worked" in w for w in report.warnings)
    # Resumed incrementally: the files indexed before were not redone; ONCE.jpg was added.
    assert report.counts_by_status.get("skipped") == 4
    after = _snapshot(archive)
    assert set(before["assets"]) < set(after["assets"])
    assert {a[0] for a in after["assets"]} - {a[0] for a in before["assets"]} == {"ONCE.jpg"}
    # The replacement actors still work: every slot answers.
    workers = archive.extras[RAY]
    import ray

    assert all(ray.get(slot.actor.ready.remote(), timeout=120) > 0 for slot in workers.slots)
