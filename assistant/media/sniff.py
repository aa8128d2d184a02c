"""What a file is, judged by its content (magic bytes), not its name.

`filetype` recognises binary formats; text, HTML and PDF get their own checks. A file whose
name promises a picture, a video or a sound but whose bytes are text is refused with a
reason, because a text document hiding behind a media extension is almost always a
mistake (an error page saved under the download's name, for instance).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import filetype

from assistant.vocabulary.kinds import MediaKind

HEAD_BYTES = 8192

# Content MIME types we ingest, and the kind each becomes.
MIME_KINDS: dict[str, MediaKind] = {
    "image/jpeg": "image",
    "image/png": "image",
    "image/webp": "image",
    "image/tiff": "image",
    "video/mp4": "video",
    "video/x-m4v": "video",
    "video/x-matroska": "video",
    "video/x-msvideo": "video",
    "video/quicktime": "video",
    "video/webm": "video",
    "audio/x-wav": "audio",
    "audio/mpeg": "audio",
    "audio/x-flac": "audio",
    "audio/ogg": "audio",
    "audio/mp4": "audio",
    "audio/m4a": "audio",
    "application/pdf": "document",
}
# Extensions that promise a media kind (used only to explain a mismatch).
MEDIA_EXTENSIONS: dict[str, MediaKind] = {
    **dict.fromkeys((".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff"), "image"),
    **dict.fromkeys((".mp4", ".m4v", ".mkv", ".avi", ".mov", ".webm"), "video"),
    **dict.fromkeys((".wav", ".mp3", ".flac", ".ogg", ".oga", ".m4a"), "audio"),
    ".pdf": "document",
}
MARKDOWN_EXTENSIONS = {".md", ".markdown"}
# Files that describe other files; never ingested as media themselves.
SIDECAR_EXTENSIONS = {".json", ".xmp"}
SIDECAR_NAMES = {"metadata.csv"}


class SniffError(ValueError):
    """The content cannot be ingested; the message is the reason shown to users."""


@dataclass(frozen=True)
class Sniffed:
    kind: MediaKind
    mime: str


def is_sidecar(path: Path) -> bool:
    return path.suffix.lower() in SIDECAR_EXTENSIONS or path.name.lower() in SIDECAR_NAMES


def looks_like_text(head: bytes) -> bool:
    """UTF-8 (or Latin-1) text without NUL bytes and with few control characters."""
    if not head or b"\x00" in head:
        return False
    text = head.decode("utf-8", errors="ignore") or head.decode("latin-1")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls <= len(text) * 0.01


def looks_like_html(head: bytes) -> bool:
    start = head[:2048].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html")) or (
        start.startswith(b"<") and b"<body" in head[:8192].lower()
    )


def sniff_bytes(head: bytes, name: str) -> Sniffed | None:
    """The kind of content `head` starts with; None when it is not something we ingest.

    Raises SniffError when the content contradicts a media file name."""
    if not head:
        raise SniffError("empty file (0 bytes)")
    suffix = Path(name).suffix.lower()
    guess = filetype.guess(head)
    if guess is not None:
        kind = MIME_KINDS.get(guess.mime)
        return Sniffed(kind, guess.mime) if kind else None
    if head.lstrip().startswith(b"%PDF-"):
        return Sniffed("document", "application/pdf")
    if looks_like_text(head):
        promised = MEDIA_EXTENSIONS.get(suffix)
        if promised is not None:
            article = "an" if promised[0] in "aeiou" else "a"
            raise SniffError(f"named {suffix} but the content is text, not {article} {promised}")
        if looks_like_html(head):
            return Sniffed("document", "text/html")
        mime = "text/markdown" if suffix in MARKDOWN_EXTENSIONS else "text/plain"
        return Sniffed("document", mime)
    promised = MEDIA_EXTENSIONS.get(suffix)
    if promised is not None:
        raise SniffError(f"named {suffix} but the content is not a recognisable {promised} format")
    return None


def sniff(path: Path) -> Sniffed | None:
    """Sniff a file on disk (reads its first bytes). OSError propagates to the caller."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    return sniff_bytes(head, path.name)
