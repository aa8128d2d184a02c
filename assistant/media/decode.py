"""One decoding pass over a video or audio file with PyAV: keyframes (as small pictures)
and the sound resampled to 16 kHz mono, plus the container's tags and duration.

Decoding once matters: a long video is read from disk and decompressed a single time,
whatever the later stages (CLIP, hashing, speech recognition) need from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from assistant.media.images import WORK_PX
from assistant.media.keyframes import KeyframeSelector, frame_signature

SAMPLE_RATE = 16_000
SIGNATURE_SIZE = (64, 48)
# More damaged packets than this and the file is treated as corrupt.
MAX_BAD_PACKETS = 50


class MediaDecodeError(ValueError):
    """The file cannot be decoded; the message is the reason shown to users."""


@dataclass
class Keyframe:
    time_s: float
    image: Image.Image


@dataclass
class DecodedMedia:
    has_video: bool
    duration_s: float
    width: int | None = None
    height: int | None = None
    keyframes: list[Keyframe] = field(default_factory=list)
    audio_16k: np.ndarray | None = None
    tags: dict[str, str] = field(default_factory=dict)


def decode_media(path: Path, selector: KeyframeSelector | None) -> DecodedMedia:
    """Decode `path` once. With a selector, video frames are scanned for keyframes;
    without one (or without a video stream) only the sound is kept."""
    import av

    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise MediaDecodeError(
            "the file is not readable media (damaged or not a video/audio file)" + _ffmpeg_says(exc)
        ) from exc
    with container:
        try:
            return _decode(container, selector)
        except av.error.FFmpegError as exc:
            raise MediaDecodeError(
                "the video/audio stream is truncated or damaged" + _ffmpeg_says(exc)
            ) from exc


def _ffmpeg_says(exc: Exception) -> str:
    """FFmpeg's own words without its error number and the file's full path
    ("[Errno 1094995529] Invalid data found when processing input: '/a/b.mp4'")."""
    said = getattr(exc, "strerror", None)
    return f" (FFmpeg: {str(said).strip().rstrip('.').lower()})" if said else ""


def _decode(container: Any, selector: KeyframeSelector | None) -> DecodedMedia:
    import av

    video = container.streams.video[0] if container.streams.video and selector else None
    audio = container.streams.audio[0] if container.streams.audio else None
    if video is None and audio is None:
        raise MediaDecodeError("no video or audio stream in the file")
    if video is not None:
        video.thread_type = "AUTO"
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    result = DecodedMedia(has_video=video is not None, duration_s=0.0)
    last_frame_s = 0.0
    bad_packets = 0
    for packet in container.demux(*(s for s in (video, audio) if s is not None)):
        try:
            frames = packet.decode()
        except av.error.InvalidDataError:
            # Real archives hold files with a few damaged packets; skip them, as players do.
            bad_packets += 1
            if bad_packets > MAX_BAD_PACKETS:
                raise
            continue
        for frame in frames:
            if isinstance(frame, av.AudioFrame):
                chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(frame)]
            elif isinstance(frame, av.VideoFrame) and selector is not None:
                last_frame_s = _offer_frame(frame, selector, result)
    if audio is not None:
        chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    if video is not None and not result.keyframes:
        raise MediaDecodeError("no decodable video frames (truncated or corrupt video)")
    if chunks:
        result.audio_16k = np.concatenate(chunks).astype(np.float32)
    audio_s = len(result.audio_16k) / SAMPLE_RATE if result.audio_16k is not None else 0.0
    if video is None and audio_s == 0.0:
        raise MediaDecodeError("no decodable audio (truncated or corrupt audio)")
    declared = container.duration / 1e6 if container.duration else 0.0
    result.duration_s = round(max(audio_s, last_frame_s) or declared, 3)
    result.tags = _tags(container, video)
    return result


def _offer_frame(frame: Any, selector: KeyframeSelector, result: DecodedMedia) -> float:
    time_s = _frame_time(frame)
    result.width, result.height = frame.width, frame.height
    if selector.wants_sample(time_s):
        small = frame.reformat(width=SIGNATURE_SIZE[0], height=SIGNATURE_SIZE[1], format="gray")
        if selector.offer(time_s, frame_signature(small.to_ndarray())):
            picture = frame.to_image()
            picture.thumbnail((WORK_PX, WORK_PX))
            result.keyframes.append(Keyframe(time_s, picture))
    return time_s


def _frame_time(frame: Any) -> float:
    if frame.time is not None:
        return max(0.0, float(frame.time))
    return float(frame.index) / 25.0  # no timestamps at all: assume PAL rate


def _tags(container: Any, video: Any) -> dict[str, str]:
    tags = {str(k).lower(): str(v) for k, v in (container.metadata or {}).items()}
    if video is not None:
        for key, value in (video.metadata or {}).items():
            tags.setdefault(str(key).lower(), str(value))
    return tags


def probe_duration(path: Path) -> float | None:
    """The duration the container declares (seconds), read from its header only; None when
    it declares none (raw streams)."""
    import av

    try:
        with av.open(str(path)) as container:
            return container.duration / 1e6 if container.duration else None
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise MediaDecodeError(
            "the file is not readable media (damaged or not a video/audio file)" + _ffmpeg_says(exc)
        ) from exc


def load_audio_16k(path: Path) -> np.ndarray:
    """The sound of any audio/video file as 16 kHz mono float32 samples."""
    decoded = decode_media(path, selector=None)
    return decoded.audio_16k if decoded.audio_16k is not None else np.zeros(0, np.float32)


def frame_at(path: Path, time_s: float) -> Image.Image:
    """The picture shown at `time_s` (used to regenerate a keyframe without a thumbnail)."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        time_base = float(stream.time_base or 1e-6)
        container.seek(int(time_s / time_base), stream=stream, backward=True)
        chosen = None
        for frame in container.decode(stream):
            chosen = frame
            if _frame_time(frame) >= time_s - 1e-3:
                break
        if chosen is None:
            raise MediaDecodeError(f"no frame at {time_s:.2f}s")
        picture: Image.Image = chosen.to_image()
    picture.thumbnail((WORK_PX, WORK_PX))
    return picture
