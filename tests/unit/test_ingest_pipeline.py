"""The ingest run without heavy models: documents and photos, a deterministic fake text
encoder, no CLIP. Incremental decisions, crash clean-up, bad input, the no-CLIP notice."""

from __future__ import annotations

import builtins
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.archive import Archive
from assistant.ingest.pipeline import ingest_folder
from assistant.schemas import Segment
from samples.media import REPORT_TEXT, debian_photo, make_broken_files
from tests.helpers.hashing_text import text_only
from tests.helpers.progress import RecordingSink


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    (root / "docs").mkdir(parents=True)
    (root / "photos").mkdir()
    (root / "docs" / "harbour.md").write_text(REPORT_TEXT)
    (root / "docs" / "note.txt").write_text("The ferry strike ended on Tuesday.\n")
    shutil.copy(debian_photo("fruits.jpg"), root / "photos" / "fruits.jpg")
    shutil.copy(debian_photo("messi5.jpg"), root / "photos" / "messi5.jpg")
    (root / "photos" / "messi5.jpg.json").write_text('{"title": "Match", "people": ["Messi"]}')
    return root


def _state(archive: Archive) -> dict[str, Any]:
    assets = archive.catalog.assets(status=None)
    return {
        "assets": sorted((a.rel_path, a.asset_id, a.status) for a in assets),
        "segments": sorted(
            s.segment_id for a in assets for s in archive.catalog.segments(a.asset_id)
        ),
        "text": archive.vectors.count("text"),
    }


def test_first_run_indexes_and_second_run_does_nothing(archive: Archive, folder: Path) -> None:
    first = ingest_folder(archive, folder)
    assert first.counts_by_status == {"indexed": 4}
    assert first.counts_by_kind == {"document": 2, "image": 2}
    assert first.segments_created == len(_state(archive)["segments"]) == 4
    messi = next(a for a in archive.catalog.assets() if a.rel_path == "photos/messi5.jpg")
    meta = archive.catalog.effective_metadata(messi.asset_id)
    assert meta["title"].value == "Match" and meta["title"].source == "sidecar"
    visual = archive.catalog.segments(messi.asset_id, "visual")[0]
    assert visual.embedded is False and visual.phash and Path(visual.thumbnail or "").is_file()
    before = _state(archive)
    second = ingest_folder(archive, folder)
    assert second.counts_by_status == {"skipped": 4}
    assert second.segments_created == 0
    assert _state(archive) == before


def test_no_clip_is_said_once_a_run_and_plainly(archive: Archive, folder: Path) -> None:
    sink = RecordingSink()
    first = ingest_folder(archive, folder, sink)
    assert len(sink.notices) == 1  # once, though every photo went without CLIP
    ingest_folder(archive, folder, sink)
    assert len(sink.notices) == 2  # each run's report and sink say it again
    assert sink.notices[0] == sink.notices[1]
    assert "Visual search is off" in sink.notices[0]
    assert "ASSISTANT_MODELS__CLIP__PATH" in sink.notices[0]
    assert sum("Visual search is off" in w for w in first.warnings) == 1
    assert archive.vectors.count("visual") == 0
    assert len(archive.catalog.unembedded_visual_segments()) == 2
    assert "files" in sink.stages


def test_moved_file_is_noticed_not_reingested(archive: Archive, folder: Path) -> None:
    ingest_folder(archive, folder)
    before = _state(archive)
    (folder / "moved").mkdir()
    (folder / "docs" / "note.txt").rename(folder / "moved" / "note.txt")
    report = ingest_folder(archive, folder)
    assert report.counts_by_status == {"skipped": 3, "moved": 1}
    assert report.segments_created == 0
    after = _state(archive)
    assert after["segments"] == before["segments"] and after["text"] == before["text"]
    assert "moved/note.txt" in {a.rel_path for a in archive.catalog.assets()}


def test_changed_file_replaces_the_old_asset(archive: Archive, folder: Path) -> None:
    ingest_folder(archive, folder)
    old = next(a for a in archive.catalog.assets() if a.rel_path == "docs/note.txt")
    (folder / "docs" / "note.txt").write_text("Completely new text about a bridge opening.\n")
    report = ingest_folder(archive, folder)
    assert report.counts_by_status == {"skipped": 3, "indexed": 1}
    assert archive.catalog.get_asset(old.asset_id) is None
    assert archive.vectors.ids("text", old.asset_id) == []
    new = archive.catalog.assets_at_path(str(folder / "docs" / "note.txt"))
    assert len(new) == 1 and "bridge" in archive.catalog.segments(new[0].asset_id)[0].text


def test_identical_copy_is_indexed_once(archive: Archive, folder: Path) -> None:
    shutil.copy(folder / "docs" / "note.txt", folder / "docs" / "note_copy.txt")
    report = ingest_folder(archive, folder)
    assert report.counts_by_status == {"indexed": 4, "duplicate": 1}
    assert any("copy of" in w for w in report.warnings)


def test_pending_asset_from_a_crash_is_cleaned_and_redone(archive: Archive, folder: Path) -> None:
    ingest_folder(archive, folder)
    clean = _state(archive)
    note = archive.catalog.assets_at_path(str(folder / "docs" / "note.txt"))[0]
    # A crash between "segments written" and "indexed": pending, with an extra stale segment.
    archive.catalog.set_status(note.asset_id, "pending")
    stale = Segment.of(note.asset_id, "text", 99, text="stale")
    archive.catalog.replace_segments(
        note.asset_id, [*archive.catalog.segments(note.asset_id), stale]
    )
    archive.vectors.upsert(
        "text", [stale.segment_id], np.ones((1, 64), np.float32) / 8, [note.asset_id]
    )
    report = ingest_folder(archive, folder)
    assert any("interrupted run" in w for w in report.warnings)
    assert report.counts_by_status == {"skipped": 3, "indexed": 1}
    assert _state(archive) == clean


def test_bad_inputs_fail_with_reasons_and_the_run_continues(
    archive: Archive, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = make_broken_files(folder / "broken")
    locked = folder / "docs" / "locked.txt"
    locked.write_text("secret")
    real_open = builtins.open

    def refusing_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file) == str(locked):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing_open)
    report = ingest_folder(archive, folder)
    reasons = {f.path: f.reason for f in report.failures}
    for name, reason in expected.items():
        shown = "broken/" + name.encode("utf-8", "surrogateescape").decode(
            "utf-8", "backslashreplace"
        )
        assert reason.lower() in reasons[shown].lower(), (name, reasons.get(shown))
    assert "Permission denied" in reasons["docs/locked.txt"]
    assert report.counts_by_status["indexed"] == 4
    assert report.counts_by_status["failed"] == len(expected) + 1
    stored = {f["path"] for f in archive.catalog.failures()}
    assert str(locked) in stored and len(stored) == len(expected) + 1


def test_metadata_csv_rows_for_missing_files_are_warned(archive: Archive, folder: Path) -> None:
    (folder / "docs" / "metadata.csv").write_text(
        "file,title,topics\nnote.txt,Ferry strike,transport;strike\nghost.txt,Nothing,\n"
    )
    report = ingest_folder(archive, folder)
    assert "docs/metadata.csv: row for unknown file 'ghost.txt'" in report.warnings
    note = archive.catalog.assets_at_path(str(folder / "docs" / "note.txt"))[0]
    meta = archive.catalog.effective_metadata(note.asset_id)
    assert meta["topics"].value == ["transport", "strike"]


def test_data_dir_inside_the_archive_is_not_ingested(test_settings: Any, folder: Path) -> None:
    settings = test_settings.model_copy(update={"data_dir": folder / "assistant-data"})
    inside = Archive.open(settings, model_overrides=text_only())
    ingest_folder(inside, folder)
    report = ingest_folder(inside, folder)  # thumbnails now exist under the data dir
    inside.close()
    assert report.counts_by_status == {"skipped": 4}


def test_test_archive_can_be_built_twice_into_the_same_root(tmp_path: Path) -> None:
    from samples.media import build_test_archive

    first = build_test_archive(tmp_path / "archive")
    second = build_test_archive(tmp_path / "archive")
    assert first.good_files == second.good_files
    assert all((tmp_path / "archive" / rel).exists() for rel in second.good_files)


def test_deleted_file_leaves_search_and_comes_back_with_its_metadata(
    archive: Archive, folder: Path
) -> None:
    from assistant.schemas import MetadataValue

    ingest_folder(archive, folder)
    note = next(a for a in archive.catalog.assets() if a.rel_path == "docs/note.txt")
    archive.catalog.set_metadata(
        note.asset_id, [MetadataValue(field="place", value="Ghent", source="user")]
    )
    kept = folder.parent / "kept-note.txt"
    (folder / "docs" / "note.txt").rename(kept)

    report = ingest_folder(archive, folder)
    assert report.counts_by_status == {"skipped": 3, "missing": 1}
    assert any("docs/note.txt is gone" in warning for warning in report.warnings)
    assert archive.catalog.get_asset(note.asset_id).status == "missing"  # type: ignore[union-attr]
    words = archive.catalog.segments(note.asset_id)[0].text.split()[0]
    assert not [
        s for s, _ in archive.catalog.keyword_search(words, 10) if s.startswith(note.asset_id)
    ]

    kept.rename(folder / "note-again.txt")
    back = ingest_folder(archive, folder)
    assert back.counts_by_status == {"skipped": 3, "restored": 1}
    assert back.segments_created == 0
    restored = archive.catalog.get_asset(note.asset_id)
    assert restored is not None and restored.status == "indexed"
    assert restored.rel_path == "note-again.txt"
    assert archive.catalog.effective_metadata(note.asset_id)["place"].value == "Ghent"
    assert [s for s, _ in archive.catalog.keyword_search(words, 10) if s.startswith(note.asset_id)]
