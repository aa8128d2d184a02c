"""Where someone speaks: WebRTC voice activity detection over 16 kHz mono samples.

`webrtcvad-wheels` provides the `webrtcvad` module (the original `webrtcvad` package
imports `pkg_resources`, which current setuptools no longer ships).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16_000
FRAME_S = 0.03  # webrtcvad accepts 10, 20 or 30 ms frames


@dataclass(frozen=True)
class VadOptions:
    # 0 (keeps most) .. 3 (most aggressive about calling a frame non-speech).
    aggressiveness: int = 2
    # Frames voted over (moving average) so single flips do not split speech.
    smoothing_frames: int = 5
    # Pauses shorter than this stay inside one region (breaths between words).
    min_gap_s: float = 0.25
    # Regions shorter than this are clicks or noise.
    min_region_s: float = 0.3
    # Frames whose RMS is below this share of the loud frames' (95th percentile) are
    # silence whatever the VAD says: webrtcvad calls faint hiss speech (-20 dB here).
    floor: float = 0.1


def speech_regions(
    samples: np.ndarray, options: VadOptions | None = None
) -> list[tuple[float, float]]:
    """(start_s, end_s) of the spans where a voice is heard, in order."""
    import webrtcvad

    opts = options or VadOptions()
    frame = int(SAMPLE_RATE * FRAME_S)
    n = len(samples) // frame
    if n == 0:
        return []
    frames = np.asarray(samples[: n * frame], dtype=np.float32).reshape(n, frame)
    pcm = (np.clip(frames, -1.0, 1.0) * 32767).astype("<i2")
    vad = webrtcvad.Vad(opts.aggressiveness)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    loud = rms >= max(1e-4, opts.floor * float(np.percentile(rms, 95)))
    voiced = np.array(
        [bool(loud[i]) and vad.is_speech(pcm[i].tobytes(), SAMPLE_RATE) for i in range(n)],
        dtype=float,
    )
    width = max(1, opts.smoothing_frames)
    smooth = np.convolve(voiced, np.ones(width) / width, mode="same") >= 0.5
    return _regions(smooth, opts)


def _regions(flags: np.ndarray, opts: VadOptions) -> list[tuple[float, float]]:
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    merged: list[list[float]] = []
    for start, stop in zip(starts * FRAME_S, stops * FRAME_S, strict=True):
        if merged and start - merged[-1][1] < opts.min_gap_s:
            merged[-1][1] = float(stop)
        else:
            merged.append([float(start), float(stop)])
    return [(round(a, 3), round(b, 3)) for a, b in merged if b - a >= opts.min_region_s]
