"""Cut a span of a video or audio file into a new file with ffmpeg, re-encoded so the cut
lands on the asked times (a stream copy can only cut at keyframes)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from assistant.errors import AssistantError

AUDIO_CODECS = {
    ".mp3": ["-c:a", "libmp3lame", "-q:a", "3"],
    ".wav": ["-c:a", "pcm_s16le"],
    ".flac": ["-c:a", "flac"],
    ".ogg": ["-c:a", "libvorbis"],
    ".m4a": ["-c:a", "aac", "-b:a", "160k"],
}
VIDEO_SUFFIXES = {".mp4", ".mov", ".mkv", ".m4v"}
H264 = [
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-crf",
    "23",
    "-pix_fmt",
    "yuv420p",
    "-vf",
    "scale=trunc(iw/2)*2:trunc(ih/2)*2",
]


def cut_command(
    source: Path, target: Path, start_s: float, end_s: float, has_video: bool
) -> list[str]:
    suffix = target.suffix.lower()
    if has_video and suffix in VIDEO_SUFFIXES:
        codecs = [*H264, "-c:a", "aac", "-b:a", "160k", "-movflags", "+faststart"]
    elif suffix in AUDIO_CODECS:
        codecs = ["-vn", *AUDIO_CODECS[suffix]]
    else:
        allowed = sorted(VIDEO_SUFFIXES | set(AUDIO_CODECS)) if has_video else sorted(AUDIO_CODECS)
        raise AssistantError(
            f"Cannot write a clip as '{suffix or target.name}'.",
            hint=f"Name the output with one of: {', '.join(allowed)}.",
        )
    return [
        "ffmpeg",
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-ss",
        f"{start_s:.3f}",
        "-t",
        f"{end_s - start_s:.3f}",
        "-i",
        str(source),
        *codecs,
        str(target),
    ]


def cut_clip(
    source: Path,
    target: Path,
    start_s: float,
    end_s: float,
    *,
    has_video: bool,
    timeout_s: float = 600.0,
) -> Path:
    """Write source[start_s:end_s] to target (format from its suffix), atomically."""
    if not 0 <= start_s < end_s:
        raise AssistantError(
            f"The clip {start_s:g}–{end_s:g} s is empty or reversed.",
            hint="Give --start before --end, both in seconds.",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.stem}.part{target.suffix}")
    command = cut_command(source, partial, start_s, end_s, has_video)
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=timeout_s)
    except FileNotFoundError as exc:
        raise AssistantError(
            "ffmpeg is not installed.", hint="Run `make setup` (or apt-get install ffmpeg)."
        ) from exc
    except subprocess.CalledProcessError as exc:
        partial.unlink(missing_ok=True)
        reason = exc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["?"]
        raise AssistantError(
            f"ffmpeg could not cut {source.name}: {reason[0]}",
            hint="Check that the file plays and the times are inside it.",
        ) from exc
    except subprocess.TimeoutExpired as exc:
        partial.unlink(missing_ok=True)
        raise AssistantError(f"Cutting {source.name} took over {timeout_s:.0f} s.") from exc
    partial.replace(target)
    return target
