"""Hub downloads, used only on a connected machine (`models.allow_download: true`).

Each backend's own download helper is used, so files land in the layout that backend
loads. Downloads go under `<cache_dir>/hub/<slug>` so `assistant models pull --to DIR`
produces a folder an air-gapped newsroom can copy across.
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.config import ModelSpec
from assistant.errors import MissingModelError


def _slug(spec: ModelSpec) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", f"{spec.backend}-{spec.arch or ''}-{spec.hub}")


def _target(spec: ModelSpec, cache_dir: Path) -> Path:
    return cache_dir / "hub" / _slug(spec)


def hub_cached(spec: ModelSpec, cache_dir: Path) -> Path | None:
    """A previous download of this spec, if its completion marker is there."""
    target = _target(spec, cache_dir)
    marker = target / ".complete"
    if not marker.exists():
        return None
    return Path(marker.read_text().strip() or target)


def download_from_hub(spec: ModelSpec, cache_dir: Path) -> Path:
    target = _target(spec, cache_dir)
    target.mkdir(parents=True, exist_ok=True)
    try:
        path = _download(spec, target)
    except Exception as exc:  # network errors come in many types; all mean the same here
        raise MissingModelError(
            f"Could not download {spec.hub} for {spec.backend}: {exc}",
            hint="Check the network, or set the model's path to local weights.",
        ) from exc
    (target / ".complete").write_text(str(path))
    return path


def _download(spec: ModelSpec, target: Path) -> Path:
    assert spec.hub is not None
    if spec.backend == "faster-whisper":
        from faster_whisper import download_model

        return Path(download_model(spec.hub, output_dir=str(target)))
    if spec.backend == "open_clip":
        import open_clip

        cfg = open_clip.get_pretrained_cfg(spec.arch or "ViT-B-32", spec.hub)
        return Path(open_clip.download_pretrained(cfg, cache_dir=str(target)))
    if spec.backend == "openai-whisper":
        import whisper

        url = whisper._MODELS[spec.arch or spec.hub]
        return Path(whisper._download(url, str(target), False))
    from huggingface_hub import hf_hub_download, snapshot_download

    if spec.backend == "llama-cpp":
        repo, _, filename = spec.hub.rpartition("/")
        return Path(hf_hub_download(repo, filename, local_dir=str(target)))
    return Path(snapshot_download(spec.hub, local_dir=str(target)))
