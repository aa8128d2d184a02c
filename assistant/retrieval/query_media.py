"""Reading what a user uploaded as a query: an image, or an audio/video clip.

Anything unreadable becomes an AssistantError that says what to do, never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from assistant.errors import AssistantError
from assistant.media.images import ImageTooLarge, open_image
from assistant.models.asr_language import transcribe_in
from assistant.models.base import Transcriber, Transcript


def _exists(path: Path, what: str) -> Path:
    if not path.is_file():
        raise AssistantError(
            f"The query {what} {path} does not exist.", hint="Check the path and try again."
        )
    return path


def load_query_image(path: Path, max_pixels: int) -> Image.Image:
    """The picture as ingest reads an archive photo (media/images.open_image): upright by
    its EXIF orientation, RGB, shrunk to WORK_PX with the same JPEG draft decode. pHash,
    faces and CLIP then see the query as they saw the archive's copy of it: read raw, a
    phone photo (orientation 6) was hashed sideways and missed its own archive copy."""
    _exists(path, "image")
    try:
        return open_image(path, max_pixels).image
    except ImageTooLarge as exc:
        raise AssistantError(
            f"The query image {path.name} is too large: {exc}",
            hint="Resize it below ingest.max_image_pixels and try again.",
        ) from exc
    except ValueError as exc:  # ImageError: truncated, not a picture
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
