"""A tiny random-weight open_clip model for tests: checks plumbing (shapes, normalisation,
storage, ranking code), never quality. Loaded through the real adapter
(assistant.models.clip.OpenClipEncoder) from a checkpoint on disk, as real weights would be.
"""

from __future__ import annotations

import json
from pathlib import Path

from assistant.models.clip import OpenClipEncoder

TINY_ARCH = "TinyCLIP-test"
TINY_CONFIG = {
    "embed_dim": 32,
    "vision_cfg": {"image_size": 32, "layers": 2, "width": 64, "patch_size": 8},
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 2},
}


def register_tiny_config(folder: Path, arch: str = TINY_ARCH, config: dict | None = None) -> str:
    """Write the model config as `<arch>.json` and register it with open_clip."""
    import open_clip

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{arch}.json"
    path.write_text(json.dumps(config or TINY_CONFIG))
    open_clip.add_model_config(path)
    return arch


def save_random_checkpoint(folder: Path, arch: str, seed: int = 0) -> Path:
    """Create `arch` with random weights (seeded) and save its state_dict."""
    import open_clip
    import torch

    torch.manual_seed(seed)
    model = open_clip.create_model(arch, pretrained=None, device="cpu")
    checkpoint = folder / f"{arch}-random-seed{seed}.pt"
    torch.save(model.state_dict(), checkpoint)
    return checkpoint


def tiny_clip_encoder(folder: Path, seed: int = 0) -> OpenClipEncoder:
    """An OpenClipEncoder over a tiny random-weight model saved under `folder`."""
    arch = register_tiny_config(folder)
    checkpoint = save_random_checkpoint(folder, arch, seed)
    return OpenClipEncoder(arch, checkpoint, threads=1, name="tiny random CLIP (tests)")
