"""Which files the app may serve, their URLs, and browser-playable copies of media.

Only files inside ingested archive roots, the data dir's thumbnails and the app's own
playable copies are served: Gradio's file route checks `blocks.allowed_paths`, which is
kept equal to `ServedFiles.paths()`, and every URL built here is checked first, so a clip
pointing elsewhere (a moved root, a symlink out) shows "not available" instead of a link.
"""

from __future__ import annotations

import math
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import av

from assistant.config import Settings
from assistant.schemas import Clip
from assistant.store.catalog import Catalog

FILE_ROUTE = "/gradio_api/file="

# What Chromium/Firefox play natively; anything else gets an H.264/AAC copy.
_BROWSER_CONTAINERS = ("mp4", "mov", "webm", "matroska", "ogg", "mp3", "wav", "flac")
_BROWSER_VIDEO = {"h264", "vp8", "vp9", "av1"}
_BROWSER_AUDIO = {"aac", "mp3", "opus", "vorbis", "flac", "pcm_s16le", "pcm_u8", "pcm_f32le"}
_BROWSER_IMAGES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".svg", ".avif"}


def previews_dir(settings: Settings) -> Path:
    return settings.data_dir / "previews"


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


class ServedFiles:
    """The allowed roots, and URLs for files under them.

    Roots are read once and kept (a URL is built for every card); `sync` re-reads them
    and publishes them to Gradio, after an ingest in the app or on "Refresh" (a folder
    ingested from the CLI while the app runs).
    """

    def __init__(self, settings: Settings, catalog: Catalog) -> None:
        self.settings = settings
        self.catalog = catalog
        self._roots: set[Path] = set()
        self.refresh()

    def refresh(self) -> None:
        self._roots = {Path(root).resolve() for root in self.catalog.roots()} | {
            self.settings.thumbnails_dir.resolve(),
            previews_dir(self.settings).resolve(),
        }

    def paths(self) -> list[str]:
        return sorted(str(root) for root in self._roots)

    def sync(self, blocks: object) -> None:
        """Make Gradio's file route allow exactly our roots (it reads this list per request)."""
        self.refresh()
        blocks.allowed_paths = self.paths()  # type: ignore[attr-defined]

    def url(self, path: str | Path | None) -> str | None:
        if not path:
            return None
        resolved = Path(path).resolve()
        if not resolved.is_file():
            return None
        if not any(_inside(resolved, root) for root in self._roots):
            return None
        return FILE_ROUTE + quote(str(resolved))


def browser_shows_image(path: str | Path) -> bool:
    return Path(path).suffix.lower() in _BROWSER_IMAGES


def browser_plays(path: str | Path) -> bool:
    """True when a browser can play the file as is (container and every codec)."""
    try:
        with av.open(str(path)) as container:
            fmt = container.format.name
            codecs = [
                (s.type, s.codec_context.name)
                for s in container.streams
                if s.type in ("video", "audio")
            ]
    except (av.FFmpegError, OSError, ValueError):
        return False
    if not any(name in fmt.split(",") for name in _BROWSER_CONTAINERS):
        return False
    for kind, codec in codecs:
        allowed = _BROWSER_VIDEO if kind == "video" else _BROWSER_AUDIO
        if codec not in allowed:
            return False
    return bool(codecs)


@dataclass(frozen=True)
class Playable:
    """A file the browser can play; `offset_s` is where its second 0 lies in the archive
    file (non-zero for an excerpt of a long file)."""

    path: Path
    offset_s: float = 0.0


def _duration_s(path: Path) -> float | None:
    try:
        with av.open(str(path)) as container:
            return container.duration / 1_000_000 if container.duration else None
    except (av.FFmpegError, OSError, ValueError):
        return None


class PlayableCopies:
    """H.264/AAC copies of media a browser cannot play (AVI, MPEG-2, WMA...), made once,
    on first view, under the data dir.

    A file up to `whole_file_s` long is converted whole, so the player keeps its context
    and the archive's own seconds. A longer one would keep the journalist waiting minutes,
    so only the clip with `margin_s` either side is converted: an excerpt with an offset.
    """

    def __init__(
        self,
        folder: Path,
        timeout_s: float = 600.0,
        whole_file_s: float = 600.0,
        margin_s: float = 30.0,
    ) -> None:
        self.folder = folder
        self.timeout_s = timeout_s
        self.whole_file_s = whole_file_s
        self.margin_s = margin_s
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def get(
        self,
        source: str | Path,
        asset_id: str,
        kind: str,
        start_s: float | None = None,
        end_s: float | None = None,
    ) -> Playable | None:
        """What to play: the original when the browser can, else a converted copy (whole or
        an excerpt around start_s..end_s); None when neither works."""
        source = Path(source)
        if browser_plays(source):
            return Playable(source)
        suffix = ".mp4" if kind == "video" else ".m4a"
        duration = _duration_s(source)
        window: tuple[float, float] | None = None
        name = f"{asset_id}{suffix}"
        if duration and duration > self.whole_file_s and start_s is not None:
            begin = max(0.0, math.floor(start_s - self.margin_s))
            window = (begin, (end_s if end_s is not None else start_s) + self.margin_s - begin)
            name = f"{asset_id}_{int(begin)}_{int(begin + window[1])}{suffix}"
        target = self.folder / name
        with self._lock(name):
            if not target.is_file() and not self._convert(source, target, kind, window):
                return None
        return Playable(target, window[0] if window else 0.0)

    def _convert(
        self, source: Path, target: Path, kind: str, window: tuple[float, float] | None
    ) -> bool:
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part" + target.suffix)
        cut = ["-ss", f"{window[0]:.3f}", "-t", f"{window[1]:.3f}"] if window else []
        video = (
            [
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-crf",
                "26",
                "-pix_fmt",
                "yuv420p",
                "-vf",
                "scale=trunc(iw/2)*2:trunc(ih/2)*2",
            ]
            if kind == "video"
            else ["-vn"]
        )
        command = [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            *cut,
            "-i",
            str(source),
            *video,
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
            str(partial),
        ]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=self.timeout_s)
        except (subprocess.SubprocessError, OSError):
            partial.unlink(missing_ok=True)
            return False
        partial.replace(target)
        return True


class MediaLinks:
    """URLs a clip card needs: what to play, a poster/preview, the original file."""

    def __init__(self, served: ServedFiles, copies: PlayableCopies) -> None:
        self.served = served
        self.copies = copies

    def file_url(self, path: str | None) -> str | None:
        return self.served.url(path)

    def preview_url(self, preview: str | None) -> str | None:
        return self.served.url(preview)

    def image_url(self, path: str, preview: str | None) -> str | None:
        if browser_shows_image(path):
            return self.served.url(path) or self.served.url(preview)
        return self.served.url(preview)

    def play(self, clip: Clip) -> tuple[str, float] | None:
        """(URL, offset_s) of what the browser should play for this clip, or None."""
        if self.served.url(clip.path) is None:  # outside the archive roots, or gone
            return None
        playable = self.copies.get(clip.path, clip.asset_id, clip.kind, clip.start_s, clip.end_s)
        url = self.served.url(playable.path) if playable else None
        return (url, playable.offset_s) if url and playable else None
