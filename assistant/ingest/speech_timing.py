"""Tightening Whisper's word timings against the sound itself.

Whisper's word alignment tends to stretch the first word of a segment back into the
silence before it (a segment after a pause often "starts" at 0.0), and the last word
into the silence after it. The voice's onset and offset are easy to see in the signal's
energy, so the first word's start and the last word's end are snapped to them.
"""

from __future__ import annotations

import numpy as np

from assistant.models.base import SpeechSegment, Transcript, Word

RATE = 16_000
FRAME = 320  # 20 ms
# A frame is voiced above this fraction of the segment's loud (95th percentile) level.
VOICED_FRACTION = 0.1
PAD_S = 0.05


def _frame_rms(samples: np.ndarray) -> np.ndarray:
    usable = len(samples) // FRAME * FRAME
    if usable == 0:
        return np.zeros(0, np.float32)
    frames = samples[:usable].reshape(-1, FRAME).astype(np.float64)
    return np.sqrt(np.mean(frames * frames, axis=1))


def _voiced_bounds(
    samples: np.ndarray, start_s: float, end_s: float, level: float
) -> tuple[float, float] | None:
    lo, hi = int(start_s * RATE), int(end_s * RATE)
    rms = _frame_rms(samples[lo:hi])
    voiced = np.flatnonzero(rms >= level)
    if voiced.size == 0:
        return None
    return start_s + voiced[0] * FRAME / RATE, start_s + (voiced[-1] + 1) * FRAME / RATE


def tighten_segment(samples: np.ndarray, segment: SpeechSegment) -> SpeechSegment:
    if not segment.words:
        return segment
    loud = _frame_rms(samples[int(segment.start_s * RATE) : int(segment.end_s * RATE)])
    if loud.size == 0:
        return segment
    level = float(np.percentile(loud, 95)) * VOICED_FRACTION
    words = list(segment.words)
    first, last = words[0], words[-1]
    bounds = _voiced_bounds(samples, first.start_s, first.end_s, level)
    if bounds is not None:
        start = min(first.end_s, max(first.start_s, bounds[0] - PAD_S))
        words[0] = Word(start, first.end_s, first.text, first.probability)
    last = words[-1]
    bounds = _voiced_bounds(samples, last.start_s, last.end_s, level)
    if bounds is not None:
        end = max(last.start_s, min(last.end_s, bounds[1] + PAD_S))
        words[-1] = Word(last.start_s, end, last.text, last.probability)
    return SpeechSegment(words[0].start_s, words[-1].end_s, segment.text, tuple(words))


def tighten(samples: np.ndarray, transcript: Transcript) -> Transcript:
    """The transcript with each segment's outer word timings snapped to the voice."""
    segments = tuple(tighten_segment(samples, s) for s in transcript.segments)
    return Transcript(transcript.language, transcript.duration_s, segments)
