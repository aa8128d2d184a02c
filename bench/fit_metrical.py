"""Refit the metrical-level weights (assistant/enrich/metrical.py WEIGHTS); print JSON.

    .venv/bin/python bench/fit_metrical.py [--work DIR]

Renders bench/music.py's tuning seeds (TUNED_SEEDS, 40 tracks of 20 s each) and its 13
fixed tracks, each whole and its first 10 s, and real recordings: bench/music.py's 12
tuned chorales and TRAINING_CHORALES more (samples.score_corpus drawn with seed
TRAINING_CHORALE_SEED, less every chorale of bench/music.py's held-out, unseen and new sets),
whole. Describes every candidate tempo of each clip (metrical.candidate_matrix) and fits
a pairwise logistic regression: the right candidate's numbers minus each wrong one's, no
intercept, chorale pairs weighted CHORALE_WEIGHT (there are fewer of them). Reports
leave-one-group-out accuracy (each seed, and each third of the training chorales,
scored by weights fitted without it) and the weights fitted on all clips, to paste into
WEIGHTS. Never renders the held-out seeds or chorales.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import librosa
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo: samples/ is not installed

from assistant.enrich import metrical
from assistant.enrich.music import _seed_tempo, clip_signals
from bench.music import (
    CHORALE_SEED,
    CHORALES_HELD_OUT,
    CHORALES_NEW,
    CHORALES_S16,
    CHORALES_TUNED,
    LEGACY,
    TUNED_SEEDS,
)
from samples.media import synth_music
from samples.music_corpus import draw_specs, write_track

Track = tuple[np.ndarray, list[bool]]  # candidate features [n, k], which are right
TRAINING_CHORALE_SEED, TRAINING_CHORALES = 99, 48
CHORALE_WEIGHT = 3.0
# Its MIDI never ends under fluidsynth (gigabytes of WAV): left out.
UNRENDERABLE = {"bach/bwv299"}


def describe(path: Path, bpm: float) -> list[Track]:
    """The whole track and its first 10 s (short clips have few bars to judge by)."""
    samples = librosa.load(str(path), sr=16_000)[0]
    return [_describe(samples, bpm), _describe(samples[: 10 * 16_000], bpm)]


def _describe(samples: np.ndarray, bpm: float) -> Track:
    clip = clip_signals(samples)
    seed = _seed_tempo(clip.envelopes[0])
    candidates, features = metrical.candidate_matrix(clip, seed)
    return features, [abs(c - bpm) / bpm <= 0.04 for c in candidates]


def training_chorales(work: Path) -> list[list[Track]]:
    """bench/music.py's tuned chorales, then the training draw in three groups; never a
    chorale of bench/music.py's held-out or unseen sets."""
    from samples import score_corpus

    held = (
        {
            t.name
            for t, _ in score_corpus.draw_tracks(CHORALE_SEED, CHORALES_HELD_OUT, CHORALES_TUNED)
        }
        | set(CHORALES_NEW)
        | set(CHORALES_S16)
    )
    drawn = score_corpus.draw_tracks(CHORALE_SEED, CHORALES_TUNED, 0)
    extra = score_corpus.draw_tracks(TRAINING_CHORALE_SEED, TRAINING_CHORALES, 0)
    kept = [(t, s) for t, s in extra if t.name not in held | UNRENDERABLE]
    groups: list[list[Track]] = [[], [], [], []]
    for i, (track, score) in enumerate([*drawn, *kept]):
        path = score_corpus.write_track(track, score, work / "chorales")
        samples = librosa.load(str(path), sr=16_000)[0]
        groups[0 if i < len(drawn) else 1 + i % 3].append(_describe(samples, track.bpm))
    return groups


def fit(tracks: list[Track], weights: list[float] | None = None) -> np.ndarray:
    """Pairwise logistic regression; `weights` per track (1 when not given)."""
    from sklearn.linear_model import LogisticRegression

    pairs, labels, sample_weights = [], [], []
    for (features, right), weight in zip(tracks, weights or [1.0] * len(tracks), strict=True):
        if not any(right):
            continue  # the proposal missed every candidate: nothing to learn here
        good = right.index(True)
        for bad in range(len(right)):
            if bad != good:
                pairs += [features[good] - features[bad], features[bad] - features[good]]
                labels += [1, 0]
                sample_weights += [weight, weight]
    model = LogisticRegression(fit_intercept=False, max_iter=5000)
    model.fit(np.asarray(pairs), np.asarray(labels), sample_weight=np.asarray(sample_weights))
    return np.asarray(model.coef_[0])


def _fit_groups(groups: dict[str, list[Track]], leave: str | None = None) -> np.ndarray:
    kept = [(n, t) for n, g in groups.items() if n != leave for t in g]
    weights = [CHORALE_WEIGHT if n.startswith("chorales") else 1.0 for n, _ in kept]
    return fit([t for _, t in kept], weights)


def right(tracks: list[Track], weights: np.ndarray) -> int:
    return sum(r[int(np.argmax(f @ weights))] for f, r in tracks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        groups: dict[str, list[Track]] = {}
        for seed in TUNED_SEEDS:
            groups[str(seed)] = [
                clip
                for spec in draw_specs(seed, 40, 20.0)
                for clip in describe(write_track(spec, work / f"seed{seed}"), spec.bpm)
            ]
        groups["fixed"] = [
            clip
            for b, k, m in LEGACY
            for clip in describe(
                synth_music(work / f"fixed_{b}.wav", bpm=b, key=k, mode=m, seconds=20.0), b
            )
        ]
        for i, chorale_group in enumerate(training_chorales(work)):
            groups["chorales_tuned" if i == 0 else f"chorales_training_{i}"] = chorale_group
    held_out = {
        name: right(tracks, _fit_groups(groups, name))
        for name, tracks in groups.items()
        if name != "fixed"
    }
    everything = [t for g in groups.values() for t in g]
    weights = _fit_groups(groups)
    report = {
        "leave_one_seed_out_right": held_out,
        "of": {n: len(g) for n, g in groups.items()},
        "in_sample_right": right(everything, weights),
        "weights": [round(float(w), 3) for w in weights],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
