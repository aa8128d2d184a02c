"""Minor or its relative major: which of the two a piece ends on.

A minor key and its relative major (B minor, D major) share their notes, so the key
profiles of assistant.enrich.music often score them within a few hundredths: rendered
Bach chorales in minor came out as their relative major on 3 of 12 tuned chorales
(margins 0.07-0.14). A piece states its key in its final cadence, and the two keys' tonic
chords differ by one note: i = {m, M, M+4}, I = {M, M+4, M+7} with M = m+3. So two
numbers from the last seconds of sound tell them apart:

- the final chord's share of the minor tonic against the major's fifth (the one note
  each tonic chord has and the other lacks);
- how often the lowest strong bass note (C2-B3) is the minor tonic against the major
  tonic (a cadence puts the bass on the root).

They are added to the profile correlations with small weights, not put in their place:
a synthetic excerpt cut in mid-progression (on IV, whose chord holds the relative minor's
tonic) must not overturn a clear profile margin; tracks whose profiles put the relative
more than ~0.2 behind are never moved. The weights were set on the tuned chorales (the
smallest that moves bwv261, margin 0.14, whose ending is plainly B minor) and checked
against every synthetic seed (their margins are larger, 0.14-0.3 where the relative is
close, and the two with the closest kept their keys).
"""

from __future__ import annotations

import numpy as np

CHORD_WEIGHT = 0.3  # per unit of the final chord's chroma share
BASS_WEIGHT = 0.15  # per unit of the lowest-note share (-1 .. 1)
ENDING_S = 2.0  # the final chord: the last this many seconds of sound
# A bass note counts in a frame when it has at least this share of the frame's loudest.
BASS_FLOOR = 0.5
# Per unit of the body's minor-third-minus-major-third share (third_evidence).
THIRD_WEIGHT = 1.0
# Per unit of final_bass_share, for the best key and the keys a fifth either side.
FINAL_BASS_WEIGHT = 0.15
# ends_in_decay: the last 200 ms of sound at most this share of its median loudness.
DECAY_RATIO = 0.5


def _ending(energy: np.ndarray, fps: float) -> slice | None:
    sounding = np.flatnonzero(energy > 0.05 * energy.max(initial=0.0))
    if sounding.size == 0:
        return None
    last = int(sounding[-1]) + 1
    return slice(max(last - max(int(ENDING_S * fps), 1), 0), last)


def lowest_notes(bass: np.ndarray) -> np.ndarray:
    """Per frame of [24, frames] bass magnitudes (C2-B3): the pitch class of the lowest
    note at least BASS_FLOOR of the frame's loudest, -1 for a silent frame."""
    loud = bass >= BASS_FLOOR * bass.max(axis=0, keepdims=True)
    loud &= bass > 0
    found = np.argmax(loud, axis=0) % 12
    return np.where(loud.any(axis=0), found, -1)


def minor_evidence(chroma: np.ndarray, bass: np.ndarray, fps: float, minor_tonic: int) -> float:
    """How much more the ending says minor on `minor_tonic` than its relative major, in
    units of profile correlation (negative: the major). [12, frames] chroma and [24,
    frames] bass at `fps`."""
    ending = _ending(chroma.sum(axis=0), fps)
    if ending is None:
        return 0.0
    major_tonic = (minor_tonic + 3) % 12
    final = chroma[:, ending].sum(axis=1)
    final = final / (final.sum() + 1e-12)
    chord = float(final[minor_tonic] - final[(major_tonic + 7) % 12])
    notes = lowest_notes(bass[:, ending])
    low = float(np.mean(notes == minor_tonic) - np.mean(notes == major_tonic))
    return CHORD_WEIGHT * chord + BASS_WEIGHT * low


def third_evidence(chroma: np.ndarray, fps: float, tonic: int) -> float:
    """How much more the body of a piece (all but its final chord, ENDING_S) sounds the
    minor third above `tonic` than the major third, as a share of all its chroma, times
    THIRD_WEIGHT: positive says minor. The third is what parallel major and minor differ
    by, and the final chord is no witness: Baroque minor pieces end on a major chord (the
    Picardy third), which the key profiles' weighted ends read as the parallel major
    (bwv145.5 in F# minor: body A 10 %, A# 6 %; last chord A# 21 %, A 2 %)."""
    ending = _ending(chroma.sum(axis=0), fps)
    if ending is None:
        return 0.0
    body = chroma[:, : ending.start].sum(axis=1)
    if body.sum() <= 0:
        return 0.0
    share = (body[(tonic + 3) % 12] - body[(tonic + 4) % 12]) / body.sum()
    return float(THIRD_WEIGHT * share)


def final_bass_share(bass: np.ndarray, fps: float, tonic: int) -> float:
    """The share of the last ENDING_S of sound whose lowest strong note is `tonic`
    ([24, frames] bass at `fps`): a piece ends with its bass on the tonic."""
    ending = _ending(bass.sum(axis=0), fps)
    if ending is None:
        return 0.0
    notes = lowest_notes(bass[:, ending])
    return float(np.mean(notes == tonic))


def ends_in_decay(samples: np.ndarray, rate: int = 16_000) -> bool:
    """True when the sound dies away at the end: its last 200 ms of sound (above 5 % of
    the loudest 50 ms) at most DECAY_RATIO of its median loudness. A whole piece ends
    so (a held final chord, a fade); an excerpt cut mid-bar does not, and its last bass
    note need not be the tonic (rendered chorales 0.10-0.58, the synthetic 20 s
    excerpts of bench/music.py 0.23-2.4, nine in ten above 0.75)."""
    step = rate // 20
    usable = samples.size // step * step
    if usable == 0:
        return False
    rms = np.sqrt(np.mean(np.square(samples[:usable].reshape(-1, step), dtype=np.float64), axis=1))
    sounding = np.flatnonzero(rms > 0.05 * rms.max())
    if sounding.size < 8:
        return False
    last = int(sounding[-1])
    tail = float(rms[max(last - 3, 0) : last + 1].mean())
    return tail <= DECAY_RATIO * float(np.median(rms[sounding]))
