"""Check what a user uploaded before it reaches the agent or search: type and size, with a
message that says what to do (Gradio's max_file_size stops oversize uploads earlier; this
also covers microphone recordings and direct API calls)."""

from __future__ import annotations

from pathlib import Path

import filetype

from assistant.errors import AssistantError

_AUDIO_EXTENSIONS = {".wav", ".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".webm"}


def sniff_kind(path: Path) -> str | None:
    """'image' | 'audio' | None, by content (extension only for headerless formats)."""
    guess = filetype.guess(str(path))
    if guess is not None:
        family = guess.mime.split("/")[0]
        if family == "image":
            return "image"
        if family == "audio" or (guess.extension == "webm" and path.suffix == ".webm"):
            return "audio"
        if guess.extension in ("mp4", "m4a") and path.suffix.lower() in _AUDIO_EXTENSIONS:
            return "audio"
        return None
    return "audio" if path.suffix.lower() in _AUDIO_EXTENSIONS else None


def check_upload(path: str | Path, expected: str, max_mb: int) -> Path:
    """The upload's path when it is an `expected` file ('image'|'audio') within the limit."""
    file = Path(path)
    if not file.is_file():
        raise AssistantError(f"The uploaded file {file.name} is gone.", hint="Upload it again.")
    size_mb = file.stat().st_size / 1_000_000
    if size_mb > max_mb:
        raise AssistantError(
            f"{file.name} is {size_mb:.0f} MB; uploads are limited to {max_mb} MB.",
            hint="Trim or compress it, or raise serve.max_upload_mb in the settings.",
        )
    kind = sniff_kind(file)
    if kind != expected:
        raise AssistantError(
            f"{file.name} is not an {expected} file.",
            hint="Photos: JPEG, PNG, WebP, GIF, TIFF. Audio: WAV, MP3, FLAC, OGG, M4A.",
        )
    return file


def split_uploads(paths: list[str], max_mb: int) -> tuple[Path | None, Path | None]:
    """(image, audio) from the chat box's attachments: at most one of each."""
    image = audio = None
    for path in paths:
        kind = sniff_kind(Path(path))
        if kind == "image" and image is None:
            image = check_upload(path, "image", max_mb)
        elif kind == "audio" and audio is None:
            audio = check_upload(path, "audio", max_mb)
        else:
            name = Path(path).name
            raise AssistantError(
                f"Cannot use {name} here."
                if kind is None
                else f"Only one {kind} can go with a question ({name} is a second one).",
                hint="Attach one photo and/or one audio clip (WAV, MP3, FLAC, OGG, M4A).",
            )
    return image, audio
