"""Reading what a user uploaded as a query: an image, or an audio/video clip.

Anything unreadable becomes an AssistantError that says what to do, never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from assistant.errors import AssistantError
from assistant.models.asr_language import transcribe_in
from assistant.models.base import Transcriber, Transcript


def _exists(path: Path, what: str) -> Path:
    if not path.is_file():
        raise AssistantError(
            f"The query {what} {path} does not exist.", hint="Check the path and try again."
        )
    return path


def load_query_image(path: Path, max_pixels: int) -> Image.Image:
    _exists(path, "image")
    try:
        with Image.open(path) as opened:
            if opened.width * opened.height > max_pixels:
                raise AssistantError(
                    f"The query image {path.name} is too large ({opened.width}x{opened.height}).",
                    hint="Resize it below ingest.max_image_pixels and try again.",
                )
            opened.load()
            return opened.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise AssistantError(
            f"Cannot read the query image {path.name}: {exc}",
            hint="Upload a JPEG, PNG, WebP or another common image format.",
        ) from exc


def transcribe_query_audio(
    path: Path, asr: Transcriber, languages: Sequence[str] = ()
) -> Transcript:
    _exists(path, "audio")
    if path.stat().st_size == 0:
        raise AssistantError(
            f"The query audio {path.name} is empty.", hint="Upload a clip with speech in it."
        )
    try:
        return transcribe_in(asr, path, languages)
    except AssistantError:
        raise
    except Exception as exc:  # decoders raise many types for a broken upload
        raise AssistantError(
            f"Cannot decode the query audio {path.name}: {exc}",
            hint="Upload a WAV, MP3, M4A, OGG or a video file with a sound track.",
        ) from exc
