"""Check what a user uploaded before it reaches the agent or search: type and size, with a
message that says what to do (Gradio's max_file_size stops oversize uploads earlier; this
also covers microphone recordings and direct API calls). The types are the query
modalities' (retrieval/modalities.py), each recognised by content."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import AssistantError
from assistant.retrieval.modalities import MODALITIES, recognise


def sniff_kind(path: Path) -> str | None:
    """The query modality's name ('image', 'audio', ...) or None, by content."""
    found = recognise(path)
    return found.name if found is not None else None


def _formats() -> str:
    return " ".join(f"{m.name.capitalize()}: {m.formats}." for m in MODALITIES)


def check_upload(path: str | Path, expected: str, max_mb: int) -> Path:
    """The upload's path when it is an `expected` file (a modality name) within the limit."""
    file = Path(path)
    if not file.is_file():
        raise AssistantError(f"The uploaded file {file.name} is gone.", hint="Upload it again.")
    size_mb = file.stat().st_size / 1_000_000
    if size_mb > max_mb:
        raise AssistantError(
            f"{file.name} is {size_mb:.0f} MB; uploads are limited to {max_mb} MB.",
            hint="Trim or compress it, or raise serve.max_upload_mb in the settings.",
        )
    if sniff_kind(file) != expected:
        article = "an" if expected[0] in "aeiou" else "a"
        raise AssistantError(f"{file.name} is not {article} {expected} file.", hint=_formats())
    return file


def split_uploads(paths: list[str], max_mb: int) -> dict[str, Path]:
    """The chat box's attachments by modality name: at most one of each."""
    found: dict[str, Path] = {}
    for path in paths:
        kind = sniff_kind(Path(path))
        if kind is not None and kind not in found:
            found[kind] = check_upload(path, kind, max_mb)
            continue
        name = Path(path).name
        raise AssistantError(
            f"Cannot use {name} here."
            if kind is None
            else f"Only one {kind} can go with a question ({name} is a second one).",
            hint=f"Attach at most one of each: {_formats()}",
        )
    return found
