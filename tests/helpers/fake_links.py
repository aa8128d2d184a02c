"""A MediaLinks stand-in for the UI's views and handlers (assistant/ui/media.py)."""

from __future__ import annotations

from assistant.schemas import Clip

FILE = "file"


class FakeLinks:
    """Every path served under /f/ (or none with `serve_files=False`); playback is the file
    itself from 0 s, or `play_as`: a fixed (url, offset_s), or None for unplayable media."""

    def __init__(
        self, serve_files: bool = True, play_as: tuple[str, float] | str | None = FILE
    ) -> None:
        self.serve_files = serve_files
        self.play_as = play_as

    def file_url(self, path: str | None) -> str | None:
        return f"/f{path}" if path and self.serve_files else None

    def preview_url(self, preview: str | None) -> str | None:
        return self.file_url(preview)

    def image_url(self, path: str, preview: str | None) -> str | None:
        return self.file_url(path)

    def play(self, clip: Clip) -> tuple[str, float] | None:
        if self.play_as == FILE:
            return f"/f{clip.path}", 0.0
        return self.play_as if not isinstance(self.play_as, str) else None
