"""Cues for real recordings like the rendered chorales: a chord on every beat tells the
beat from its double and half, and a minor piece ending on a major chord (a Picardy
third) stays minor."""

from __future__ import annotations

import numpy as np

from assistant.enrich.cadence import ends_in_decay, final_bass_share, third_evidence
from assistant.enrich.chroma import chroma_and_bass
from assistant.enrich.metrical import beat_harmony
from assistant.enrich.music import CHROMA_FPS, CHROMA_HOP, estimate_key, key_scores, track_chroma
from tests.helpers.chorales import A_MINOR_BODY, D_MAJOR_IN_A

RATE = 16_000


def _note(midi: int, seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    hz = 440.0 * 2 ** ((midi - 69) / 12)
    tone = sum(np.sin(2 * np.pi * hz * k * t) / k for k in (1, 2, 3))
    return np.asarray(tone * np.exp(-t * 1.5), dtype=np.float32)


def _chord(notes: tuple[int, ...], seconds: float) -> np.ndarray:
    return np.asarray(sum(_note(n, seconds) for n in notes) / len(notes), dtype=np.float32)


A_MAJOR_END = (45, 61, 64, 69)  # A C# E A: the Picardy third
A_MAJOR_BODY = [(45, 61, 64, 69), (50, 62, 66, 69), (52, 59, 64, 68), (45, 61, 64, 69)] * 2


def _piece(body: list[tuple[int, ...]], end: tuple[int, ...], beat_s: float) -> np.ndarray:
    chords = [_chord(c, beat_s) for c in body * 3]
    return np.concatenate([*chords, _chord(end, 3.0), np.zeros(RATE // 2, dtype=np.float32)])


def test_a_minor_piece_ending_on_a_major_chord_is_minor() -> None:
    samples = _piece(A_MINOR_BODY, A_MAJOR_END, 0.8)
    frames, bass = chroma_and_bass(samples, CHROMA_HOP)
    assert third_evidence(frames, CHROMA_FPS, 9) > 0.0  # C over C# in the body
    tonic, mode, _ = estimate_key(samples, frames, bass)
    assert (tonic, mode) == ("A", "minor")


def test_a_major_piece_stays_major() -> None:
    samples = _piece(A_MAJOR_BODY, A_MAJOR_END, 0.8)
    frames, bass = chroma_and_bass(samples, CHROMA_HOP)
    assert third_evidence(frames, CHROMA_FPS, 9) < 0.0
    assert estimate_key(samples, frames, bass)[:2] == ("A", "major")


def test_a_chord_on_every_beat_marks_the_beat_not_its_double_or_half() -> None:
    """75 BPM, a new chord each quarter: the double sees every other beat mid-chord
    (alternation), the half and x3/2 see chord changes between their beats."""
    bpm = 75.0
    samples = np.concatenate([_chord(c, 60.0 / bpm) for c in A_MINOR_BODY * 4])
    frames, _ = chroma_and_bass(samples, CHROMA_HOP)
    right = beat_harmony(frames, CHROMA_FPS, bpm)
    double = beat_harmony(frames, CHROMA_FPS, 2 * bpm)
    half = beat_harmony(frames, CHROMA_FPS, bpm / 2)
    sesqui = beat_harmony(frames, CHROMA_FPS, 1.5 * bpm)
    assert right[0] > 2 * max(half[0], sesqui[0]), (right, half, sesqui)
    assert double[1] > 2 * right[1], (right, double)


# D_MAJOR_IN_A three times, then V7 and I.
D_CADENCE = [(45, 61, 67, 69)]
D_MAJOR_END = (38, 62, 66, 69)


def test_a_piece_that_ends_on_its_tonic_bass_is_in_that_key() -> None:
    """Most of its time on A (with E major's G#): the profiles put A major ahead, the
    held final chord over a D bass says D major."""
    samples = _piece(D_MAJOR_IN_A * 3 + D_CADENCE, D_MAJOR_END, 0.6)
    assert ends_in_decay(samples)
    frames, bass = chroma_and_bass(samples, CHROMA_HOP)
    assert key_scores(track_chroma(samples, frames))[0][1:] == ("A", "major")
    assert final_bass_share(bass, CHROMA_FPS, 2) > 0.5  # D
    assert estimate_key(samples, frames, bass)[:2] == ("D", "major")


def test_an_excerpt_cut_while_sounding_does_not_end() -> None:
    samples = np.concatenate([_chord(c, 0.6) for c in A_MINOR_BODY * 3])
    cut = samples[: samples.size - RATE // 4]  # mid-chord
    assert not ends_in_decay(cut)
    assert ends_in_decay(_piece(A_MINOR_BODY, A_MAJOR_END, 0.6))
