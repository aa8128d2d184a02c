"""Ingesting the mixed test archive with the real packaged models (text embeddings,
Whisper) and a tiny random-weight CLIP: what gets indexed, where speech is heard, what
fails and why, and that interrupted or CLIP-less runs end where a clean run ends."""

from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assistant.archive import Archive
from assistant.config import Settings, load_settings
from assistant.ingest import pipeline
from assistant.ingest.pipeline import ingest_folder
from assistant.ingest.scan import printable
from assistant.schemas import Asset, IngestReport
from samples.media import TestArchive, build_test_archive
from tests.helpers.snapshots import metadata_rows, vector_counts
from tests.helpers.tiny_clip import tiny_clip_encoder

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


@dataclass
class Shared:
    manifest: TestArchive
    models: dict[str, Any]
    base: Path


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    from assistant.models.provider import ModelProvider

    base = tmp_path_factory.mktemp("ingest")
    manifest = build_test_archive(base / "archive")
    provider = ModelProvider(load_settings("test", data_dir=base / "models").models)
    models = {
        "text": provider.text(),
        "asr": provider.asr(),
        "clip": tiny_clip_encoder(base / "clip"),
    }
    yield Shared(manifest, models, base)


def _open(shared: Shared, name: str, **overrides: Any) -> Archive:
    settings: Settings = load_settings("test", data_dir=shared.base / name)
    return Archive.open(settings, model_overrides={**shared.models, **overrides})


@pytest.fixture(scope="module")
def full(shared: Shared) -> Iterator[tuple[Archive, IngestReport]]:
    archive = _open(shared, "full")
    report = ingest_folder(archive, shared.manifest.root)
    yield archive, report
    archive.close()


@pytest.fixture
def assets(full: tuple[Archive, IngestReport]) -> dict[str, Asset]:
    """The full run's indexed assets by their path in the archive."""
    return {a.rel_path: a for a in full[0].catalog.assets()}


def snapshot(archive: Archive) -> dict[str, Any]:
    """Catalog contents and vector ids, independent of where the data dir is."""
    catalog = archive.catalog
    assets = catalog.assets(status=None)
    return {
        "assets": sorted(
            (a.rel_path, a.asset_id, a.kind, a.status, a.duration_s, a.is_music) for a in assets
        ),
        "segments": sorted(
            (
                s.segment_id,
                s.start_s,
                s.end_s,
                s.text,
                s.phash,
                s.embedded,
                s.page,
                s.char_start,
                len(s.words),
                Path(s.thumbnail or "/missing").is_file(),
            )
            for a in assets
            for s in catalog.segments(a.asset_id)
        ),
        "metadata": metadata_rows(archive, assets),
        "vectors": {
            space: sorted(i for a in assets for i in archive.vectors.ids(space, a.asset_id))
            for space in ("text", "visual")
        },
        "counts": vector_counts(archive),
        "failures": sorted((Path(f["path"]).name, f["reason"]) for f in catalog.failures()),
    }


def _words(text: str) -> set[str]:
    return {"".join(c for c in w.lower() if c.isalnum()) for w in text.split()} - {""}


def test_every_good_file_is_indexed(full: tuple[Archive, IngestReport], shared: Shared) -> None:
    archive, report = full
    indexed = {a.rel_path for a in archive.catalog.assets()}
    assert indexed == set(shared.manifest.good_files)
    assert report.counts_by_status["indexed"] == len(shared.manifest.good_files)
    assert report.segments_created == sum(
        len(archive.catalog.segments(a.asset_id)) for a in archive.catalog.assets()
    )
    assert {"decode", "transcribe", "embed", "store"} <= set(report.seconds_by_stage)
    assert report.media_seconds > 40


def test_every_broken_file_is_listed_with_its_reason(
    full: tuple[Archive, IngestReport], shared: Shared
) -> None:
    _, report = full
    reasons = {f.path: f.reason.lower() for f in report.failures}
    for rel, expected in shared.manifest.broken.items():
        shown = printable(rel)
        assert shown in reasons, (shown, sorted(reasons))
        assert expected.lower() in reasons[shown], (shown, reasons[shown])


def test_speech_segments_are_where_the_words_are_spoken(
    full: tuple[Archive, IngestReport], shared: Shared
) -> None:
    archive, _ = full
    by_name = {Path(a.rel_path).name: a for a in archive.catalog.assets()}
    assert shared.manifest.spoken
    for line in shared.manifest.spoken:
        segments = archive.catalog.segments(by_name[line.file].asset_id, "speech")
        best = max(segments, key=lambda s: len(_words(s.text) & _words(line.text)))
        overlap = len(_words(best.text) & _words(line.text)) / len(_words(line.text))
        assert overlap >= 0.6, (line.text, best.text)
        assert abs((best.start_s or 0) - line.start_s) <= 1.0, (line, best)
        assert abs((best.end_s or 0) - line.end_s) <= 1.0, (line, best)
        assert best.words and best.words[0].start_s >= (best.start_s or 0) - 0.05


def test_video_keyframes_follow_the_cut_and_the_gap(
    full: tuple[Archive, IngestReport], shared: Shared
) -> None:
    archive, _ = full
    gap = archive.settings.ingest.max_keyframe_gap_s
    for rel in shared.manifest.videos:
        asset = next(a for a in archive.catalog.assets() if a.rel_path == rel)
        frames = archive.catalog.segments(asset.asset_id, "visual")
        starts = [s.start_s or 0.0 for s in frames]
        assert starts[0] == 0.0 and frames[-1].end_s == pytest.approx(asset.duration_s)
        for before, after in itertools.pairwise(frames):
            assert before.end_s == after.start_s
            assert (after.start_s or 0) - (before.start_s or 0) <= gap + 0.1
        for cut in shared.manifest.shot_changes.get(rel, []):
            assert any(0 <= s - cut <= 0.6 for s in starts), (cut, starts)
        assert all(s.phash and s.embedded and Path(s.thumbnail or "").is_file() for s in frames)
    assert archive.vectors.count("visual") == sum(
        len(archive.catalog.segments(a.asset_id, "visual")) for a in archive.catalog.assets()
    )


def test_metadata_from_sidecars_exif_container_and_music(
    full: tuple[Archive, IngestReport], assets: dict[str, Asset], shared: Shared
) -> None:
    archive, report = full
    for rel, expected in shared.manifest.sidecar_metadata.items():
        meta = archive.catalog.effective_metadata(assets[rel].asset_id)
        for name, value in expected.items():
            assert meta[name].value == value and meta[name].source == "sidecar", (rel, name)
    leuven = archive.catalog.effective_metadata(assets["photos/leuven.jpg"].asset_id)
    assert leuven["camera"].value == "Canon EOS 5D" and leuven["date"].source == "exif"
    street = {
        (m.field, m.source): m.value
        for m in archive.catalog.metadata(assets["video/street_news.mp4"].asset_id)
    }
    assert street[("title", "container")] == "Street scene with council news"
    assert str(street[("date", "container")]).startswith("2021-03-15")
    for rel, facts in shared.manifest.music.items():
        assert assets[rel].is_music
        meta = archive.catalog.effective_metadata(assets[rel].asset_id)
        assert meta["tempo"].value == pytest.approx(float(str(facts["bpm"])), abs=3)
        assert meta["key"].value == facts["key"]
    assert not assets["audio/radio_bulletin.mp3"].is_music
    assert any("aqua.png.json" in w for w in report.warnings)


def test_documents_keep_pages_and_offsets(
    full: tuple[Archive, IngestReport], assets: dict[str, Asset], shared: Shared
) -> None:
    archive, _ = full
    for rel, facts in shared.manifest.document_facts.items():
        chunks = archive.catalog.segments(assets[rel].asset_id, "text")
        text = " ".join(" ".join(c.text.split()) for c in chunks)
        for fact in facts:
            assert fact.lower() in text.lower(), (rel, fact)
    pdf_pages = {c.page for c in archive.catalog.segments(assets["docs/elections.pdf"].asset_id)}
    assert pdf_pages == {1, 2}
    html = archive.catalog.segments(assets["docs/bulletin.html"].asset_id)
    assert all("do not index" not in c.text and "<" not in c.text for c in html)


def test_second_run_does_nothing(full: tuple[Archive, IngestReport], shared: Shared) -> None:
    archive, _ = full
    before = snapshot(archive)
    again = ingest_folder(archive, shared.manifest.root)
    assert again.segments_created == 0
    assert again.counts_by_status.get("indexed", 0) == 0
    assert again.counts_by_status["skipped"] == len(shared.manifest.good_files)
    assert snapshot(archive) == before


def test_run_interrupted_mid_store_resumes_to_the_same_result(
    full: tuple[Archive, IngestReport], shared: Shared, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_store = pipeline.store_batch
    calls = {"n": 0}

    def crashing_store(archive: Archive, batch: Any) -> None:
        for item, vectors in batch:  # file by file, to die in the middle of a batch
            calls["n"] += 1
            if calls["n"] == 6:
                # Die after the segments are written but before vectors and `indexed`.
                archive.catalog.put_asset(item.asset.model_copy(update={"status": "pending"}))
                archive.catalog.replace_segments(item.asset.asset_id, item.segments)
                raise RuntimeError("simulated crash")
            real_store(archive, [(item, vectors)])

    archive = _open(shared, "interrupted")
    monkeypatch.setattr(pipeline, "store_batch", crashing_store)
    with pytest.raises(RuntimeError, match="simulated crash"):
        ingest_folder(archive, shared.manifest.root)
    assert archive.catalog.assets(status="pending")
    monkeypatch.setattr(pipeline, "store_batch", real_store)
    report = ingest_folder(archive, shared.manifest.root)
    assert any("interrupted run" in w for w in report.warnings)
    assert snapshot(archive) == snapshot(full[0])
    archive.close()


_CHILD = """
import sys
import time
from pathlib import Path
from assistant.archive import Archive
from assistant.config import load_settings
from assistant.ingest import pipeline
from assistant.ingest.pipeline import ingest_folder
from tests.helpers.tiny_clip import tiny_clip_encoder

# Pause after each stored file: on a quiet machine the whole archive is otherwise stored
# between two polls of the parent, which then never sees a half-done run to kill.
real_store = pipeline.store_batch
def paced_store(archive, batch):
    for one in batch:
        real_store(archive, [one])
        time.sleep(0.6)
pipeline.store_batch = paced_store

settings = load_settings("test", data_dir=Path(sys.argv[1]))
clip = tiny_clip_encoder(Path(sys.argv[3]))
ingest_folder(Archive.open(settings, model_overrides={"clip": clip}), Path(sys.argv[2]))
"""


def test_run_killed_with_sigkill_resumes_to_the_same_result(
    full: tuple[Archive, IngestReport], shared: Shared
) -> None:
    data = shared.base / "killed"
    child = _start_child(data, shared, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    indexed = 0
    while time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.2)
        indexed = _indexed_count(data / "catalog.sqlite")
        if indexed >= 4:
            child.send_signal(signal.SIGKILL)
            break
    child.wait(30)
    errors = child.stderr.read().decode()[-2000:] if child.stderr else ""
    assert child.returncode == -signal.SIGKILL, errors
    assert 4 <= indexed < len(shared.manifest.good_files)
    archive = _open(shared, "killed")
    ingest_folder(archive, shared.manifest.root)
    assert snapshot(archive) == snapshot(full[0])
    archive.close()


def _indexed_count(catalog: Path) -> int:
    if not catalog.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{catalog}?mode=ro", uri=True, timeout=1) as db:
            return int(
                db.execute("SELECT COUNT(*) FROM assets WHERE status='indexed'").fetchone()[0]
            )
    except sqlite3.Error:
        return 0


def test_without_clip_then_with_clip_fills_only_the_visual_vectors(
    full: tuple[Archive, IngestReport], shared: Shared
) -> None:
    blind = _open(shared, "no-clip", clip=None)
    first = ingest_folder(blind, shared.manifest.root)
    assert sum("Visual search is off" in w for w in first.warnings) == 1
    assert blind.vectors.count("visual") == 0
    unembedded = blind.catalog.unembedded_visual_segments()
    assert len(unembedded) == len(snapshot(full[0])["vectors"]["visual"])
    text_before = blind.vectors.count("text")
    blind.close()
    # One keyframe lost its thumbnail: its picture comes from the video itself.
    lost = next(s for s in unembedded if s.start_s)
    Path(lost.thumbnail or "").unlink()
    seeing = _open(shared, "no-clip")
    second = ingest_folder(seeing, shared.manifest.root)
    assert second.segments_created == 0
    assert second.counts_by_status.get("indexed", 0) == 0
    assert seeing.catalog.unembedded_visual_segments() == []
    assert seeing.vectors.count("visual") == len(unembedded)
    assert seeing.vectors.count("text") == text_before
    assert any("filled in" in w for w in second.warnings)
    seeing.close()


def _children(pid: int) -> list[int]:
    """Every descendant of `pid` (the fork server and its workers), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == parent]
        found += kids
        frontier += kids
    return found


def _start_child(
    data: Path, shared: Shared, stderr: int = subprocess.DEVNULL
) -> subprocess.Popen[bytes]:
    """A child process that ingests the test archive into `data` (run until killed)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            _CHILD,
            str(data),
            str(shared.manifest.root),
            str(shared.base / "clip-child"),
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )


def test_kill_9_at_random_moments_then_resume_gives_the_clean_result(
    full: tuple[Archive, IngestReport], shared: Shared
) -> None:
    """Five kill -9s of the ingest at seeded random moments (one also kills a worker
    first), each run resuming the last; then one run to the end: the catalog, segments,
    vectors and metadata equal one clean run's. Leftover workers die with the ingest."""
    import random

    rng = random.Random(11)
    data = shared.base / "killed-often"
    moments = []
    for round_ in range(5):
        child = _start_child(data, shared)
        moment = rng.uniform(3.0, 40.0)
        moments.append(round(moment, 1))
        deadline = time.monotonic() + moment
        while time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.1)
        if round_ == 2:  # a worker killed from outside: its file is retried
            for pid in _children(child.pid)[-1:]:
                os.kill(pid, signal.SIGKILL)
            time.sleep(1.0)
        descendants = _children(child.pid)
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(
            Path(f"/proc/{p}").exists() and _alive(p) for p in descendants
        ):
            time.sleep(0.2)
        assert not any(_alive(p) for p in descendants), "workers outlived the ingest"
    archive = _open(shared, "killed-often")
    ingest_folder(archive, shared.manifest.root)
    resumed, clean = snapshot(archive), snapshot(full[0])
    differing = {
        key: (
            [i for i in resumed[key] if i not in clean[key]],
            [i for i in clean[key] if i not in resumed[key]],
        )
        if isinstance(clean[key], list)
        else (resumed[key], clean[key])
        for key in clean
        if resumed[key] != clean[key]
    }
    assert not differing, (moments, differing)
    archive.close()


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
