"""The final cadence decides between a minor key and its relative major, on synthesised
chord sequences whose pitch content alone leans the other way."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.enrich.cadence import lowest_notes, minor_evidence
from assistant.enrich.chroma import chroma_and_bass
from assistant.enrich.music import CHROMA_FPS, CHROMA_HOP, estimate_key, key_scores, track_chroma
from tests.helpers.chorales import B_MINOR_BODY

RATE = 16_000
B2, D3 = 47, 50


def _note(midi: int, seconds: float) -> np.ndarray:
    """A plucked note with three harmonics (real instruments are not pure tones)."""
    t = np.arange(int(seconds * RATE)) / RATE
    hz = 440.0 * 2 ** ((midi - 69) / 12)
    tone = sum(np.sin(2 * np.pi * hz * k * t) / k for k in (1, 2, 3))
    return np.asarray(tone * np.exp(-t * 1.5), dtype=np.float32)


def _chord(bass: int, upper: tuple[int, ...], seconds: float) -> np.ndarray:
    return 0.5 * _note(bass, seconds) + 0.3 * sum(_note(n, seconds) for n in upper)


def _piece(
    chords: Sequence[tuple[int, tuple[int, ...]]], final: tuple[int, tuple[int, ...]]
) -> np.ndarray:
    body = [_chord(b, u, 1.0) for b, u in chords]
    return np.concatenate([*body, _chord(*final, 3.0), np.zeros(RATE // 2, dtype=np.float32)])


# B minor that spends its middle in D major (tests/helpers/chorales.py): its pitch
# content leans to D major.
BODY = B_MINOR_BODY
B_MINOR_END = (B2, (59, 62, 66))  # B D F#, bass on B
D_MAJOR_END = (D3, (62, 66, 69))  # D F# A, bass on D


def test_a_piece_ending_on_its_minor_tonic_is_in_minor() -> None:
    samples = _piece(BODY, B_MINOR_END)
    frames, bass = chroma_and_bass(samples, CHROMA_HOP)
    # The profiles alone say D major: the cadence is what says B minor.
    best = key_scores(track_chroma(samples, frames))
    assert best[0][1:] == ("D", "major")
    assert minor_evidence(frames, bass, CHROMA_FPS, minor_tonic=11) > 0.05
    assert estimate_key(samples, frames, bass)[:2] == ("B", "minor")


def test_the_same_body_ending_on_the_major_tonic_stays_major() -> None:
    samples = _piece(BODY, D_MAJOR_END)
    frames, bass = chroma_and_bass(samples, CHROMA_HOP)
    assert minor_evidence(frames, bass, CHROMA_FPS, minor_tonic=11) < -0.05
    assert estimate_key(samples, frames, bass)[:2] == ("D", "major")


def test_the_lowest_strong_note_is_the_bass_not_the_loudest() -> None:
    # A quiet B2 under a loud D3: the bass is B (pitch class 11).
    samples = 0.6 * _note(B2, 2.0) + 1.0 * _note(D3, 2.0)
    _, bass = chroma_and_bass(samples, CHROMA_HOP)
    notes = lowest_notes(bass[:, 2:-2])
    assert np.mean(notes == 11) > 0.8
    assert np.all(lowest_notes(np.zeros((24, 3))) == -1)
