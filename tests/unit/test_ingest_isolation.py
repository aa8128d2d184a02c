"""Per-file work in supervised worker processes, on real photos and documents: a worker
that segfaults, hangs or runs out of memory fails its file alone (retried once in a
fresh worker), with a plain reason; hostile entries in the archive are refused unopened;
one ingest at a time per data dir."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.archive import Archive
from assistant.errors import AssistantError
from assistant.ingest.lock import data_dir_lock
from assistant.ingest.pipeline import ingest_folder
from assistant.schemas import IngestReport
from samples.media import REPORT_TEXT, debian_photo
from tests.helpers.hashing_text import text_only
from tests.helpers.hostile_jobs import misbehaving_job
from tests.helpers.progress import RecordingSink


def _archive(test_settings: Any, **ingest: Any) -> Archive:
    settings = test_settings.model_copy(
        update={"ingest": test_settings.ingest.model_copy(update={"workers": 2, **ingest})}
    )
    return Archive.open(settings, model_overrides=text_only())


def _folder(tmp_path: Path, *marked: str) -> Path:
    """Two good photos, a document, and a copy of fruits.jpg (new bytes) per marked name."""
    root = tmp_path / "archive"
    root.mkdir()
    shutil.copy(debian_photo("fruits.jpg"), root / "fruits.jpg")
    shutil.copy(debian_photo("messi5.jpg"), root / "messi5.jpg")
    (root / "harbour.md").write_text(REPORT_TEXT)
    for i, name in enumerate(marked):
        data = debian_photo("leuvenA.jpg").read_bytes() + bytes([i])  # distinct content
        (root / name).write_bytes(data)
    return root


def _folder_and_note_beside(tmp_path: Path, text: str) -> tuple[Path, Path]:
    """The archive folder (_folder) and a note that lies beside it, outside the archive."""
    note = tmp_path / "outside.md"
    note.write_text(text + "\n")
    return _folder(tmp_path), note


def _failures(report: IngestReport) -> dict[str, str]:
    return {f.path: f.reason for f in report.failures}


def _indexed(archive: Archive) -> list[str]:
    return sorted(a.rel_path for a in archive.catalog.assets())


def test_a_segfaulting_analyser_fails_its_file_alone(test_settings: Any, tmp_path: Path) -> None:
    archive = _archive(test_settings)
    report = ingest_folder(archive, _folder(tmp_path, "CRASH.jpg"), job=misbehaving_job)
    assert _failures(report) == {
        "CRASH.jpg": "the music analyser crashed (signal 11) on this file; it was retried once"
    }
    assert _indexed(archive) == ["fruits.jpg", "harbour.md", "messi5.jpg"]
    assert archive.catalog.failures()[0]["reason"].startswith("the music analyser crashed")
    archive.close()


def test_a_crash_on_the_first_try_only_is_retried_and_indexed(
    test_settings: Any, tmp_path: Path
) -> None:
    archive = _archive(test_settings)
    report = ingest_folder(archive, _folder(tmp_path, "ONCE.jpg"), job=misbehaving_job)
    assert report.failures == []
    assert "ONCE.jpg" in _indexed(archive)
    assert any(
        w.startswith("ONCE.jpg: the music analyser crashed (signal 11)")
        and "second try worked" in w
        for w in report.warnings
    )
    archive.close()


def test_a_hanging_analyser_is_stopped_at_its_time_limit(
    test_settings: Any, tmp_path: Path
) -> None:
    archive = _archive(test_settings, limit_s=2.0)
    start = time.monotonic()
    report = ingest_folder(archive, _folder(tmp_path, "HANG.jpg"), job=misbehaving_job)
    took = time.monotonic() - start
    reason = _failures(report)["HANG.jpg"]
    assert reason.startswith("the music analyser did not finish within 2 s on this file")
    assert reason.endswith("it was retried once")
    assert _indexed(archive) == ["fruits.jpg", "harbour.md", "messi5.jpg"]
    assert took < 30, took  # two tries of 2 s, not an hour
    archive.close()


def test_a_file_needing_too_much_memory_fails_alone(test_settings: Any, tmp_path: Path) -> None:
    archive = _archive(test_settings, worker_memory_mb=3000)
    report = ingest_folder(archive, _folder(tmp_path, "HOG.jpg"), job=misbehaving_job)
    assert _failures(report) == {
        "HOG.jpg": "the music analyser ran out of memory on this "
        "file (ingest.worker_memory_mb is 3000)"
    }
    assert _indexed(archive) == ["fruits.jpg", "harbour.md", "messi5.jpg"]
    archive.close()


def test_hostile_entries_are_refused_without_opening_them(
    test_settings: Any, tmp_path: Path
) -> None:
    root, outside = _folder_and_note_beside(tmp_path, "A private note that lives outside it.")
    os.mkfifo(root / "pipe.mp4")
    (root / "escape.md").symlink_to(outside)
    (root / "loop.jpg").symlink_to(root / "loop.jpg")
    (root / "zero.mp4").symlink_to("/dev/zero")
    (root / "fake.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(4000))
    (root / "messi5.jpg.json").write_text('{"title": ' * 100_000)
    (root / "harbour.md.json").write_text('{"title": "x", "pad": "' + "y" * 3_000_000 + '"}')
    archive = _archive(test_settings)
    start = time.monotonic()
    report = ingest_folder(archive, root)
    assert time.monotonic() - start < 60  # nothing blocked on the pipe or /dev/zero
    failures = _failures(report)
    assert failures["pipe.mp4"] == (
        "not a regular file (a named pipe (FIFO)); skipped without opening it"
    )
    assert failures["escape.md"].startswith("a symbolic link to a file outside the archive")
    assert failures["zero.mp4"].startswith("a symbolic link to a file outside the archive")
    assert failures["loop.jpg"].startswith("a symbolic link loop")
    assert failures["fake.mp4"].startswith(
        "the file is not readable media (damaged or not a video/audio file)"
    )
    assert "Errno" not in failures["fake.mp4"] and str(root) not in failures["fake.mp4"]
    assert "nested too deeply" in failures["messi5.jpg.json"]
    assert "too large" in failures["harbour.md.json"]
    # The media files with bad sidecars are still indexed; nothing from outside is.
    assert _indexed(archive) == ["fruits.jpg", "harbour.md", "messi5.jpg"]
    assert not any(
        "private note" in s.text
        for a in archive.catalog.assets()
        for s in archive.catalog.segments(a.asset_id)
    )
    archive.close()


def test_links_out_of_the_archive_are_followed_only_when_allowed(
    test_settings: Any, tmp_path: Path
) -> None:
    root, outside = _folder_and_note_beside(tmp_path, "A shared note linked in on purpose.")
    (root / "linked.md").symlink_to(outside)
    archive = _archive(test_settings, follow_outside_links=True)
    report = ingest_folder(archive, root)
    assert report.failures == []
    assert "linked.md" in _indexed(archive)
    archive.close()


def test_files_over_the_size_limit_are_refused(test_settings: Any, tmp_path: Path) -> None:
    root = _folder(tmp_path)
    with open(root / "sparse.mp4", "wb") as handle:
        handle.truncate(3_000_000)  # sparse: 3 MB of nothing on disk
    archive = _archive(test_settings, max_file_mb=2)
    report = ingest_folder(archive, root)
    assert _failures(report)["sparse.mp4"].startswith(
        "file too large (0.0 GB; ingest.max_file_mb is 2)"
    )
    archive.close()


def test_a_second_ingest_of_the_same_data_dir_refuses_or_waits(
    test_settings: Any, tmp_path: Path
) -> None:
    archive = _archive(test_settings)
    root = _folder(tmp_path)
    with data_dir_lock(archive.settings.data_dir), pytest.raises(AssistantError) as refused:
        ingest_folder(archive, root)
    assert f"Another ingest is writing to {archive.settings.data_dir} (pid {os.getpid()}" in (
        refused.value.message
    )
    assert "--wait" in (refused.value.hint or "")
    assert archive.catalog.assets(status=None) == []

    held = threading.Event()

    def hold_for_a_second() -> None:
        with data_dir_lock(archive.settings.data_dir):
            held.set()
            time.sleep(1.0)

    holder = threading.Thread(target=hold_for_a_second)
    holder.start()
    held.wait(10)

    sink = RecordingSink()
    report = ingest_folder(archive, root, sink, wait=True)
    holder.join()
    assert report.counts_by_status == {"indexed": 3}
    assert any("Waiting for it to finish" in s for s in sink.notices)
    archive.close()


def test_in_process_mode_gives_the_same_catalog(test_settings: Any, tmp_path: Path) -> None:
    root = _folder(tmp_path)
    isolated = _archive(test_settings)
    ingest_folder(isolated, root)
    inline = _archive(test_settings.model_copy(update={"data_dir": tmp_path / "inline"}), workers=0)
    ingest_folder(inline, root)

    def state(archive: Archive) -> list[Any]:
        return sorted(
            (s.segment_id, s.text, s.phash)
            for a in archive.catalog.assets()
            for s in archive.catalog.segments(a.asset_id)
        )

    assert state(isolated) == state(inline) != []
    isolated.close()
    inline.close()
