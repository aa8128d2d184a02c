"""Refit the metrical-level weights (assistant/enrich/metrical.py WEIGHTS); print JSON.

    .venv/bin/python bench/fit_metrical.py [--work DIR]

Renders bench/music.py's tuning seeds (TUNED_SEEDS, 40 tracks of 20 s each) and its 13
fixed tracks, each whole and its first 10 s, describes every candidate tempo of each
clip (metrical.candidate_features) and fits a pairwise logistic regression: the right
candidate's numbers minus each wrong one's, no intercept. Reports leave-one-seed-out
accuracy (each seed scored by weights fitted without it) and the weights fitted on all
clips, to paste into WEIGHTS. Never renders
the held-out seeds.
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
from assistant.enrich.music import CHROMA_FPS, _mel, _seed_tempo, chroma_frames
from bench.music import LEGACY, TUNED_SEEDS
from samples.media import synth_music
from samples.music_corpus import draw_specs, write_track

Track = tuple[np.ndarray, list[bool]]  # candidate features [n, k], which are right


def describe(path: Path, bpm: float) -> list[Track]:
    """The whole track and its first 10 s (short clips have few bars to judge by)."""
    samples = librosa.load(str(path), sr=16_000)[0]
    return [_describe(samples, bpm), _describe(samples[: 10 * 16_000], bpm)]


def _describe(samples: np.ndarray, bpm: float) -> Track:
    envelopes = metrical.split_envelopes(_mel(samples))
    frames = chroma_frames(samples)
    novelty = metrical.chroma_novelty(frames)
    seed = _seed_tempo(envelopes[0])
    candidates = [
        seed * r for r in metrical.RATIOS if metrical.LOWEST <= seed * r <= metrical.HIGHEST
    ]
    features = [
        metrical.candidate_features(envelopes, frames, novelty, CHROMA_FPS, c) for c in candidates
    ]
    return np.asarray(features), [abs(c - bpm) / bpm <= 0.04 for c in candidates]


def fit(tracks: list[Track]) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    pairs, labels = [], []
    for features, right in tracks:
        if not any(right):
            continue  # the proposal missed every candidate: nothing to learn here
        good = right.index(True)
        for bad in range(len(right)):
            if bad != good:
                pairs += [features[good] - features[bad], features[bad] - features[good]]
                labels += [1, 0]
    model = LogisticRegression(fit_intercept=False, max_iter=5000)
    return np.asarray(model.fit(np.asarray(pairs), np.asarray(labels)).coef_[0])


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
    held_out = {
        name: right(tracks, fit([t for n, g in groups.items() if n != name for t in g]))
        for name, tracks in groups.items()
        if name != "fixed"
    }
    everything = [t for g in groups.values() for t in g]
    weights = fit(everything)
    report = {
        "leave_one_seed_out_right": held_out,
        "of": {n: len(g) for n, g in groups.items()},
        "in_sample_right": right(everything, weights),
        "weights": [round(float(w), 3) for w in weights],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
