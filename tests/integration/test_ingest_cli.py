"""`assistant ingest PATH [--json]` end to end with the packaged text model (no CLIP here,
so the run must say visual search is off)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import AssistantError
from assistant.schemas import IngestReport
from samples.media import REPORT_TEXT, debian_photo

pytestmark = pytest.mark.slow


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    root.mkdir()
    (root / "harbour.md").write_text(REPORT_TEXT)
    shutil.copy(debian_photo("fruits.jpg"), root / "fruits.jpg")
    (root / "empty.jpg").write_bytes(b"")
    return root


def _ingest(tmp_path: Path, folder: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app,
        ["--profile", "test", "--data-dir", str(tmp_path / "data"), "ingest", str(folder), *extra],
    )
    return result.exit_code, result.stdout, result.stderr


def test_json_report_then_summary(tmp_path: Path, folder: Path) -> None:
    code, out, _ = _ingest(tmp_path, folder, "--json")
    assert code == 0, out
    report = IngestReport.model_validate(json.loads(out))
    assert report.counts_by_status == {"indexed": 2, "failed": 1}
    assert report.counts_by_kind == {"document": 1, "image": 1}
    assert [(f.path, f.reason) for f in report.failures] == [("empty.jpg", "empty file (0 bytes)")]
    assert any("Visual search is off" in w for w in report.warnings)
    assert report.segments_created == 2
    code, out, err = _ingest(tmp_path, folder)
    assert code == 0
    assert "2 skipped" in out and "1 failed" in out
    assert "failed: empty.jpg: empty file (0 bytes)" in out
    assert "files" in err  # the progress bar went to stderr


def test_missing_folder_is_a_user_error(tmp_path: Path, folder: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["--profile", "test", "--data-dir", str(tmp_path / "d"), "ingest", str(folder / "nope")],
    )
    assert isinstance(result.exception, AssistantError)
    assert "is not a folder" in result.exception.message and result.exception.hint
