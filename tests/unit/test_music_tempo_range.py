"""The beat's octave is chosen among tempos a listener taps: never above 200 BPM."""

from __future__ import annotations

import numpy as np

from assistant.enrich.metrical import HIGHEST, choose_level
from assistant.enrich.music import clip_signals, estimate_tempo

RATE = 16_000


def _eighths(bpm: float, seconds: float = 12.0) -> np.ndarray:
    """Even plucked eighth notes on one chord, no accents: every level repeats alike, the
    case where a candidate at twice a fast tempo could score best."""
    samples = np.zeros(int(seconds * RATE), dtype=np.float32)
    step = 60.0 / bpm / 2
    t = np.arange(int(step * RATE)) / RATE
    for i in range(int(seconds / step)):
        hz = 440.0 * 2 ** ([0, 4, 7, 12][i % 4] / 12)
        note = np.sin(2 * np.pi * hz * t) * np.exp(-t * 12.0)
        start = int(i * step * RATE)
        samples[start : start + t.size] += note[: samples.size - start].astype(np.float32)
    return samples


def test_no_candidate_above_the_tapped_range_is_chosen() -> None:
    """Even notes at 248.8 a minute from a 124.4 BPM seed: with candidates up to 250 BPM
    the note rate itself won (the 62.2 BPM chorale read at 248.8)."""
    samples = _eighths(124.4)
    chosen, gap = choose_level(clip_signals(samples), 124.4)
    assert chosen in (62.2, 124.4) and chosen <= HIGHEST
    assert gap >= 0.0
    bpm, _ = estimate_tempo(samples)
    assert 40.0 <= bpm <= HIGHEST
    assert any(abs(bpm * k - 124.4) / 124.4 <= 0.04 for k in (0.5, 1.0))
