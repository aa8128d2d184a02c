"""Keyframe selection: every shot change, and at least one frame per max gap."""

from __future__ import annotations

import numpy as np

from assistant.media.keyframes import (
    KeyframeSelector,
    frame_signature,
    keyframe_spans,
    signature_distance,
)

DARK = frame_signature(np.full((48, 64), 30, np.uint8))
BRIGHT = frame_signature(np.full((48, 64), 220, np.uint8))


def _run(frames: list[tuple[float, np.ndarray]], **kw: float) -> list[float]:
    selector = KeyframeSelector(
        threshold=kw.get("threshold", 0.35), max_gap_s=kw.get("max_gap_s", 4.0), scan_fps=2.0
    )
    for time_s, signature in frames:
        if selector.wants_sample(time_s):
            selector.offer(time_s, signature)
    return selector.times


def test_signature_distance_is_zero_for_same_and_one_for_disjoint() -> None:
    assert signature_distance(DARK, DARK) == 0.0
    assert signature_distance(DARK, BRIGHT) == 1.0


def test_cut_gives_a_keyframe_and_long_shots_get_one_per_gap() -> None:
    fps = 10
    frames = [(i / fps, DARK if i < 63 else BRIGHT) for i in range(20 * fps)]
    times = _run(frames)
    assert times[0] == 0.0
    assert 6.3 in times or 6.5 in times  # the cut, at the first sample after it
    gaps = np.diff(times)
    assert gaps.max() <= 4.0 + 1e-6
    # Only the cut and the gap rule: 0, 4, cut, then every 4 s after it.
    assert len(times) == 6


def test_samples_follow_a_fixed_grid() -> None:
    selector = KeyframeSelector(0.35, 100.0, 2.0)
    sampled = []
    for i in range(45):
        t = i / 15
        if selector.wants_sample(t):
            selector.offer(t, DARK)
            sampled.append(round(t, 3))
    assert sampled[:6] == [0.0, 0.533, 1.0, 1.533, 2.0, 2.533]


def test_gradual_change_below_threshold_is_not_a_cut() -> None:
    texture = np.random.default_rng(0).integers(0, 200, (48, 64))
    fading = [frame_signature((texture + 3 * i).astype(np.uint8)) for i in range(8)]
    times = _run([(i * 0.5, sig) for i, sig in enumerate(fading)], max_gap_s=100)
    assert times == [0.0]


def test_spans_run_to_the_next_keyframe_and_the_end() -> None:
    assert keyframe_spans([0.0, 4.0, 6.5], 10.0) == [(0.0, 4.0), (4.0, 6.5), (6.5, 10.0)]
    assert keyframe_spans([], 3.0) == []
