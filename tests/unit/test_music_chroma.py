"""The per-octave note chroma: each note lands on its own pitch class, low and high."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.enrich.chroma import chroma

RATE = 16_000
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def _tone(midi: int, seconds: float = 3.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return np.sin(2 * np.pi * 440.0 * 2 ** ((midi - 69) / 12) * t).astype(np.float32)


@pytest.mark.parametrize("midi", [40, 45, 52, 61, 69, 78, 83])  # E2 ... B5
def test_a_pure_tone_peaks_on_its_pitch_class(midi: int) -> None:
    profile = chroma(_tone(midi)).sum(axis=1)
    assert PITCH_CLASSES[int(np.argmax(profile))] == PITCH_CLASSES[midi % 12]
    # A semitone away gets little: the note is read at its own frequency.
    neighbours = profile[[(midi - 1) % 12, (midi + 1) % 12]]
    assert neighbours.max() < 0.6 * profile.max()


def test_a_triad_gives_its_three_notes_and_frames_follow_the_hop() -> None:
    signal = _tone(48) + _tone(52) + _tone(55)  # C3 E3 G3
    frames = chroma(signal, hop=2048)
    top = {PITCH_CLASSES[i] for i in np.argsort(frames.sum(axis=1))[-3:]}
    assert top == {"C", "E", "G"}
    assert abs(frames.shape[1] - signal.size / 2048) <= 2


def test_a_five_second_clip_gets_finite_tempo_and_key_confidences() -> None:
    """A slow candidate's bar grid can be longer than a short clip: no NaN may reach
    MetadataValue (it rejects confidences outside 0-1)."""
    from assistant.enrich.music import music_metadata

    beat = np.zeros(RATE * 5, dtype=np.float32)
    for start in range(0, beat.size - 800, int(RATE * 60 / 66)):  # 66 BPM clicks
        beat[start : start + 800] += np.hanning(800).astype(np.float32)
    values = {v.field: v for v in music_metadata(beat + 0.3 * _tone(57, 5.0))}
    assert 0.0 <= values["tempo"].confidence <= 1.0
    assert str(values["key"].value).startswith("A")
