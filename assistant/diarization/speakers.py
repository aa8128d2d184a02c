"""Who spoke when: speaker turns from 16 kHz samples (a pure function: samples in, turns
out; nothing is stored here, so it runs in any worker process).

1. Voice activity (diarization/vad.py) gives the regions where someone speaks.
2. Each region is cut into windows of the encoder's length (1.6 s) every `hop_s`, and
   all windows of the file go through the voice encoder in batches, once.
3. Windows are clustered: agglomerative, average linkage on cosine distance, cut at a
   calibrated threshold (the number of speakers is not known beforehand), in chunks of a
   few minutes merged by the same rule so a long file costs linear time
   (diarization/speaker_clusters.py). Clusters with too little speech are folded into
   the nearest big one (a cough, a window straddling two voices).
4. Each window owns the time closest to its centre; neighbouring pieces of one speaker
   join into turns. Speakers are named S1, S2, ... in order of first appearance.
Each speaker also gets one embedding (its windows' mean) for voices across the archive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from assistant.diarization.speaker_clusters import CHUNK_WINDOWS, cluster_bounded
from assistant.diarization.vad import VadOptions, speech_regions
from assistant.models.base import l2_normalise
from assistant.models.speaker import SpeakerEncoder


@dataclass(frozen=True)
class DiarizeOptions:
    # Seconds between the starts of two windows inside a speech region.
    hop_s: float = 0.75
    # Average-linkage cut: windows (and clusters) further apart than this cosine distance
    # are different speakers. Same-voice 1.6 s windows sit at 0.1-0.25, different espeak
    # voices at 0.35-0.6 (tests/integration/test_speakers.py).
    threshold: float = 0.3
    # Windows clustered at once; longer files are clustered chunk by chunk against the
    # voices of the chunks before (diarization/speaker_clusters.py), so the cost stays linear.
    chunk_windows: int = CHUNK_WINDOWS
    # A cluster with less speech than this (seconds) joins its nearest neighbour.
    min_speaker_s: float = 2.0
    # Same-speaker pieces closer than this merge into one turn.
    join_gap_s: float = 0.6
    vad: VadOptions = field(default_factory=VadOptions)


@dataclass(frozen=True)
class SpeakerTurn:
    start_s: float
    end_s: float
    speaker: str


@dataclass
class Diarization:
    turns: list[SpeakerTurn]
    # speaker -> L2-normalised mean voice embedding
    embeddings: dict[str, np.ndarray] = field(default_factory=dict)
    # speaker -> seconds of speech
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def speakers(self) -> list[str]:
        return list(self.embeddings)


def diarize(
    samples: np.ndarray, encoder: SpeakerEncoder, options: DiarizeOptions | None = None
) -> Diarization:
    """Speaker turns of 16 kHz mono `samples`; empty when no one speaks."""
    opts = options or DiarizeOptions()
    regions = speech_regions(samples, opts.vad)
    windows = speech_windows(regions, encoder.window_s, opts.hop_s)
    if not windows:
        return Diarization([])
    vectors = l2_normalise(encoder.embed(samples, [(a, b) for a, b, _ in windows]))
    labels = cluster_bounded(vectors, opts.threshold, opts.chunk_windows)
    labels = fold_small(labels, vectors, windows, opts.min_speaker_s)
    labels = smooth(labels, windows)
    return _result(windows, labels, vectors, opts.join_gap_s)


def main_voice(samples: np.ndarray, encoder: SpeakerEncoder) -> np.ndarray | None:
    """The embedding of the clip's main voice (who speaks longest in it); None when no
    one speaks."""
    found = diarize(samples, encoder) if samples.size else None
    if found is None or not found.turns:
        return None
    main = max(found.speakers, key=lambda s: found.seconds.get(s, 0.0))
    return found.embeddings[main]


def speech_windows(
    regions: list[tuple[float, float]], window_s: float, hop_s: float
) -> list[tuple[float, float, int]]:
    """(start_s, end_s, region index) windows covering each region; a region shorter than
    one window is one (shorter) window, the last window ends where the region does."""
    out: list[tuple[float, float, int]] = []
    for index, (start, end) in enumerate(regions):
        if end - start <= window_s:
            out.append((start, end, index))
            continue
        starts = list(np.arange(start, end - window_s, hop_s))
        starts.append(end - window_s)
        out.extend((round(float(s), 3), round(float(s) + window_s, 3), index) for s in starts)
    return out


def fold_small(
    labels: np.ndarray, vectors: np.ndarray, windows: list[tuple[float, float, int]], min_s: float
) -> np.ndarray:
    """Clusters holding under `min_s` of speech join the nearest cluster that does not
    (one pass over the windows: long files fold many small clusters)."""
    k = int(labels.max()) + 1
    durations = np.array([end - start for start, end, _ in windows])
    seconds = np.bincount(labels, weights=durations, minlength=k)
    present = np.bincount(labels, minlength=k) > 0
    big = present & (seconds >= min_s)
    if not big.any():  # all small: keep the largest only
        big[int(np.argmax(seconds))] = True
    sums = np.zeros((k, vectors.shape[1]))
    np.add.at(sums, labels, vectors)
    big_ids = np.flatnonzero(big)
    small = np.flatnonzero(present & ~big)
    target = np.arange(k)
    if small.size:
        nearest = np.argmax(sums[small] @ l2_normalise(sums[big_ids]).T, axis=1)
        target[small] = big_ids[nearest]
    return target[labels]


def smooth(labels: np.ndarray, windows: list[tuple[float, float, int]]) -> np.ndarray:
    """A lone window whose neighbours in the same region agree on another speaker takes
    theirs (a window straddling a turn change, or a momentary flip)."""
    out = labels.copy()
    for i in range(1, len(windows) - 1):
        if (
            windows[i - 1][2] == windows[i][2] == windows[i + 1][2]
            and labels[i - 1] == labels[i + 1] != labels[i]
        ):
            out[i] = labels[i - 1]
    return out


def _pieces(
    windows: list[tuple[float, float, int]], labels: np.ndarray
) -> list[tuple[float, float, int]]:
    """Each window owns the time nearest its centre, within its speech region."""
    pieces = []
    for i, (start, end, region) in enumerate(windows):
        same_before = i > 0 and windows[i - 1][2] == region
        same_after = i + 1 < len(windows) and windows[i + 1][2] == region
        centre = (start + end) / 2
        lo = (centre + sum(windows[i - 1][:2]) / 2) / 2 if same_before else start
        hi = (centre + sum(windows[i + 1][:2]) / 2) / 2 if same_after else end
        pieces.append((lo, hi, int(labels[i])))
    return pieces


def _result(
    windows: list[tuple[float, float, int]],
    labels: np.ndarray,
    vectors: np.ndarray,
    join_gap_s: float,
) -> Diarization:
    merged: list[list[float]] = []  # [start, end, label]
    for lo, hi, label in _pieces(windows, labels):
        if merged and merged[-1][2] == label and lo - merged[-1][1] <= join_gap_s:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi, label])
    names: dict[int, str] = {}
    for piece in merged:
        names.setdefault(int(piece[2]), f"S{len(names) + 1}")
    turns = [SpeakerTurn(round(a, 3), round(b, 3), names[int(label)]) for a, b, label in merged]
    embeddings = {
        names[label]: l2_normalise(vectors[labels == label].mean(axis=0)[None])[0]
        for label in names
    }
    seconds: dict[str, float] = {}
    for turn in turns:
        seconds[turn.speaker] = round(seconds.get(turn.speaker, 0.0) + turn.end_s - turn.start_s, 3)
    return Diarization(turns, embeddings, seconds)
