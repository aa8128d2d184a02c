"""Pitch-class profiles (chroma) of 16 kHz audio, cheap enough for every track.

A constant-Q transform resolves low notes as well as high ones, but librosa builds its
216 wavelet filters anew on every call: ~0.4 s, more than the rest of the music analysis
and a fixed cost that alone put a 20 s track at 0.03x real time. Here each of four
octaves (C2-B5, where melodies and basses have their fundamentals) gets its own
short-time spectrum instead, the signal halved in rate once per octave so that one
512-point window (Hann) has the same resolution in semitones in every octave (~1/3
semitone, as the CQT's 36 bins per octave), and the magnitude is read at each note's own
frequency: the centre-bin reading the CQT chroma used (no leakage from neighbouring
semitones), in a few milliseconds. C6-C8 hold mostly overtones, whose twelfths and
seventeenths pull a key towards its dominant: without them rendered chorales went from
2/12 keys right to 6/12, the tuned synthetic seeds from 118/120 to 119/120.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

RATE = 16_000
C2_HZ = 65.406
OCTAVES = 4
TOP_RATE = 4_000  # C5-B5 (523-988 Hz) at 4 kHz; each octave below at half the rate
WINDOW = 512


@lru_cache(maxsize=8)
def _note_bins(rate: int, octave: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lower bin, upper bin, upper weight) of the 12 notes of `octave` in a WINDOW-point
    spectrum at `rate`: linear interpolation between the two bins around each note."""
    hz = C2_HZ * 2.0 ** (octave + np.arange(12) / 12.0)
    position = hz * WINDOW / rate
    lower = np.floor(position).astype(int)
    return lower, lower + 1, position - lower


def _octave_rates() -> list[tuple[int, int]]:
    """(octave, sample rate) from the top octave down, each lower octave at half the rate
    of the one above (Nyquist about twice its top)."""
    return [(octave, TOP_RATE >> (OCTAVES - 1 - octave)) for octave in range(OCTAVES - 1, -1, -1)]


def _magnitudes(samples: np.ndarray, hop: int) -> np.ndarray:
    """|STFT| [WINDOW/2+1, frames] with frames `hop` apart; for hops longer than half a
    window, frames half a window apart are summed per hop so no sound falls between."""
    step = min(hop, WINDOW // 2)
    per_frame = hop // step
    # Centred: each summed frame's middle falls on a multiple of `hop`, in every octave.
    left = WINDOW // 2 + (per_frame - 1) * step // 2
    padded = np.pad(samples, (left, WINDOW // 2))
    frames = max((padded.size - WINDOW) // step + 1, 1)
    index = np.arange(WINDOW)[None, :] + step * np.arange(frames)[:, None]
    spectrum = np.abs(np.fft.rfft(padded[index] * np.hanning(WINDOW), axis=1)).T
    usable = (frames // per_frame) * per_frame
    if usable == 0:
        return np.asarray(spectrum.sum(axis=1, keepdims=True))
    return np.asarray(spectrum[:, :usable].reshape(spectrum.shape[0], -1, per_frame).sum(axis=2))


def chroma(samples: np.ndarray, hop: int = 2048) -> np.ndarray:
    """[12, frames] chroma, one frame per `hop` samples at 16 kHz (a power of two of at
    least 64): square-root magnitudes of the notes C2-B7 summed over octaves, so a few
    loud notes do not swamp the rest."""
    return chroma_and_bass(samples, hop)[0]


def chroma_and_bass(samples: np.ndarray, hop: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """(chroma as chroma() gives it, [24, frames] note magnitudes of C2-B3 in pitch
    order): the same spectra, the two lowest octaves also kept apart, where a bass line
    says which note a chord stands on (assistant.enrich.cadence)."""
    import soxr  # librosa's own resampler, without importing all of librosa

    signal = np.asarray(samples, dtype=np.float32)
    octaves: dict[int, np.ndarray] = {}
    previous = RATE
    for octave, rate in _octave_rates():
        signal = soxr.resample(signal, previous, rate, quality="HQ")
        previous = rate
        magnitudes = _magnitudes(signal, hop * rate // RATE)
        lower, upper, weight = _note_bins(rate, octave)
        notes = (1.0 - weight)[:, None] * magnitudes[lower] + weight[:, None] * magnitudes[upper]
        octaves[octave] = np.sqrt(notes)
    frames = min(part.shape[1] for part in octaves.values())
    total = np.sum([part[:, :frames] for part in octaves.values()], axis=0)
    bass = np.vstack([octaves[0][:, :frames], octaves[1][:, :frames]])
    return np.asarray(total), np.asarray(bass)
