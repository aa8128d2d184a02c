"""The rate of chord change proposes a tempo of its own (metrical.harmonic_seed): a chorale
sung or bowed has slow attacks and weak onsets, but its chords change on every beat."""

from __future__ import annotations

from pathlib import Path

import librosa
import numpy as np
import pytest

from assistant.enrich import metrical
from assistant.enrich.metrical import HARMONIC_BONUS, choose_level, harmonic_seed
from assistant.enrich.music import FINE_CHROMA_FPS, clip_signals, fine_chroma
from samples.media import synth_music
from tests.helpers.chorales import A_MINOR_BODY

RATE = 16_000


def _bowed(midi: int, seconds: float) -> np.ndarray:
    """A note that swells in over 0.25 s and is held: no onset to speak of."""
    t = np.arange(int(seconds * RATE)) / RATE
    hz = 440.0 * 2 ** ((midi - 69) / 12)
    tone = sum(np.sin(2 * np.pi * hz * k * t) / k for k in (1, 2, 3))
    return np.asarray(tone * np.minimum(t / 0.25, 1.0) * np.minimum((seconds - t) / 0.05, 1.0))


def _chorale(bpm: float, rounds: int = 3) -> np.ndarray:
    beat = 60.0 / bpm
    chords = [sum(_bowed(n, beat) for n in chord) / 4 for chord in A_MINOR_BODY * rounds]
    return np.concatenate(chords).astype(np.float32)


def _near(found: float | None, bpm: float, tolerance: float = 0.02) -> bool:
    return found is not None and abs(found - bpm) / bpm <= tolerance


@pytest.mark.parametrize("bpm", [70.0, 150.0])
def test_the_chord_change_rate_is_the_beat_of_a_chord_per_beat(bpm: float) -> None:
    assert _near(harmonic_seed(fine_chroma(_chorale(bpm)), FINE_CHROMA_FPS), bpm)


def test_a_held_chord_or_noise_proposes_no_tempo() -> None:
    t = np.arange(20 * RATE) / RATE
    held = sum(np.sin(2 * np.pi * 440 * 2 ** (n / 12) * t) for n in (0, 4, 7))
    noise = np.random.default_rng(0).normal(0.0, 0.1, t.size)
    for samples in (held * np.minimum(t / 0.5, 1.0), noise):
        assert harmonic_seed(fine_chroma(samples.astype(np.float32)), FINE_CHROMA_FPS) is None


def test_the_chord_rate_is_a_candidate_where_no_ratio_of_the_onset_seed_reaches_it() -> None:
    """An onset seed at 1.2x the beat (84 for 70 BPM): x0.75 is 63, x1 is 84, so only the
    chord-change rate puts the beat among the candidates."""
    samples = _chorale(70.0)
    clip = clip_signals(samples)
    harmonic = harmonic_seed(fine_chroma(samples), FINE_CHROMA_FPS)
    without, _ = choose_level(clip, 84.0)
    assert not _near(without, 70.0, 0.04)
    candidates, _ = metrical.candidate_matrix(clip, 84.0, harmonic)
    assert any(_near(c, 70.0) for c in candidates)
    chosen, _ = choose_level(clip, 84.0, harmonic)
    assert _near(chosen, 70.0)


def test_the_chord_rate_gains_the_bonus_only_under_a_weak_pulse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Seeded at the beat, the chord-change rate adds no candidate (x1 is within
    SAME_CANDIDATE), so the winner's lead grows by HARMONIC_BONUS where the clip's pulse
    is below WEAK_PULSE and not at all where it is above."""
    samples = _chorale(100.0)
    clip = clip_signals(samples)
    harmonic = harmonic_seed(fine_chroma(samples), FINE_CHROMA_FPS)
    assert _near(harmonic, 100.0)
    plain, plain_gap = choose_level(clip, 100.0)
    assert plain == 100.0
    for weak_pulse, bonus in ((1e9, HARMONIC_BONUS), (0.0, 0.0)):
        monkeypatch.setattr(metrical, "WEAK_PULSE", weak_pulse)
        chosen, gap = choose_level(clip, 100.0, harmonic)
        assert chosen == 100.0
        assert gap - plain_gap == pytest.approx(bonus)


def test_clip_pulse_is_the_pulse_the_candidate_score_reads(tmp_path: Path) -> None:
    """metrical.clip_pulse (read before any chroma, to decide whether harmonic_seed is
    wanted) is the pulse choose_level weighs the candidates by: the strongest percussive
    on-beat strength over ratio_candidates, on a clicked track and on a bowed one."""
    clicked = librosa.load(
        str(synth_music(tmp_path / "clicks.wav", bpm=96, key="C", mode="major", seconds=10.0)),
        sr=RATE,
    )[0]
    pulses = []
    for samples, bpm in ((clicked, 96.0), (_chorale(100.0), 100.0)):
        clip = clip_signals(samples)
        _, _, read = metrical._candidates(clip, bpm, None)
        assert metrical.clip_pulse(clip.envelopes, bpm) == pytest.approx(read)
        pulses.append(read)
    assert pulses[0] > metrical.WEAK_PULSE
    assert pulses[0] > pulses[1]


def test_ratio_candidates_stay_within_the_tapped_range() -> None:
    """bpm x RATIOS, less those outside LOWEST-HIGHEST: at 150 BPM x2 (300) and x4/3
    (200.0 is kept, the bound is inclusive) decide which remain."""
    assert metrical.ratio_candidates(150.0) == pytest.approx([75.0, 100.0, 112.5, 150.0, 200.0])
    assert metrical.ratio_candidates(60.0) == pytest.approx([40.0, 45.0, 60.0, 80.0, 90.0, 120.0])
