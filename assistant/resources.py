"""Locate files shipped with the package: prompt templates and settings profiles.

In a source checkout they are the top-level prompts/ and configs/ folders; in a wheel they
are installed as the packages `assistant._prompts` and `assistant._configs` (see pyproject).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent


def _shipped(folder: str, package: str) -> Path:
    checkout = _REPO_ROOT / folder
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files(package)))


def prompts_dir() -> Path:
    return _shipped("prompts", "assistant._prompts")


def config_dir() -> Path:
    return _shipped("configs", "assistant._configs")
