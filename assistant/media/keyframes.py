"""Choosing keyframes while a video streams past: one at every shot change, and one at
least every `max_gap_s` inside a long shot. Pure logic over small frame signatures, so it
is cheap and testable without decoding anything."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

HIST_BINS = 32


def frame_signature(gray: np.ndarray) -> np.ndarray:
    """A normalised brightness histogram of a small grey frame (uint8 HxW)."""
    hist, _ = np.histogram(gray, bins=HIST_BINS, range=(0, 256))
    return hist.astype(np.float32) / max(int(hist.sum()), 1)


def signature_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Total variation distance between two signatures, in [0, 1]."""
    return float(0.5 * np.abs(a - b).sum())


@dataclass
class KeyframeSelector:
    """Feed sampled frames in time order; `offer` says whether each is a keyframe."""

    threshold: float
    max_gap_s: float
    scan_fps: float
    _next_sample_s: float = 0.0
    _last_signature: np.ndarray | None = None
    _last_key_s: float | None = None
    times: list[float] = field(default_factory=list)

    def wants_sample(self, time_s: float) -> bool:
        """Frames are examined at about scan_fps; the rest are only decoded."""
        return time_s + 1e-6 >= self._next_sample_s

    def offer(self, time_s: float, signature: np.ndarray) -> bool:
        # Sample on a fixed grid (0, 1/fps, 2/fps ...) so timing does not drift.
        self._next_sample_s = (math.floor(time_s * self.scan_fps + 1e-6) + 1) / self.scan_fps
        previous, self._last_signature = self._last_signature, signature
        if self._last_key_s is None:
            return self._take(time_s)
        if previous is not None and signature_distance(previous, signature) >= self.threshold:
            return self._take(time_s)
        if time_s - self._last_key_s >= self.max_gap_s - 1e-6:
            return self._take(time_s)
        return False

    def _take(self, time_s: float) -> bool:
        self._last_key_s = time_s
        self.times.append(time_s)
        return True


def keyframe_spans(times: list[float], duration_s: float) -> list[tuple[float, float]]:
    """Each keyframe stands for the span until the next one (the last until the end)."""
    if not times:
        return []
    ends = [*times[1:], max(duration_s, times[-1])]
    return [(start, max(start, end)) for start, end in zip(times, ends, strict=True)]
