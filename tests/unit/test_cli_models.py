"""`assistant models list | doctor` and error handling at the CLI boundary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def _run(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_models_list_json_reports_each_role(tmp_path: Path) -> None:
    result = _run("--profile", "test", "--data-dir", str(tmp_path), "models", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["role"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"clip", "text", "asr", "llm", "vqa", "speaker", "support"}
    assert rows["text"]["ready"] and rows["text"]["source"] == "packaged"
    assert rows["speaker"]["ready"] and rows["speaker"]["source"] == "packaged"
    assert rows["vqa"]["source"] == "disabled"
    # The test profile's support check reads words only (configs/test.yaml).
    assert rows["support"]["source"] == "disabled"
    assert not rows["clip"]["ready"]
    assert "ASSISTANT_MODELS__CLIP__PATH" in rows["clip"]["fix"]


def test_doctor_explains_missing_clip_and_how_to_fix(tmp_path: Path) -> None:
    result = _run("--profile", "default", "--data-dir", str(tmp_path), "doctor")
    text = result.stdout
    assert "ffmpeg" in text
    assert "writable" in text
    assert "clip" in text and "ASSISTANT_MODELS__CLIP__PATH" in text
    assert "vqa" in text and "visual questions" in text
    # Packaged models are ready, so the essential checks pass even without CLIP/VQA.
    assert result.returncode == 0, text


def test_user_error_prints_message_without_traceback(tmp_path: Path) -> None:
    result = _run("--profile", "no-such-profile", "models", "list")
    assert result.returncode == 2
    assert "Unknown settings profile" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("bad", ["many", "-"])
def test_bad_env_setting_is_a_clear_error(bad: str) -> None:
    result = _run("--profile", "test", "models", "list", env_extra={"ASSISTANT_SEARCH__K": bad})
    assert result.returncode == 2
    assert "Invalid settings" in result.stderr and "Traceback" not in result.stderr
