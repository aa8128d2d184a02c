"""Sound-event and object-label segments from model scores: the YAMNet front end's
shapes, which tags a window keeps, and how windows and keyframes merge. The scores here
are set by hand (the real models run in tests/integration/test_ingest_senses.py)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image

from assistant.enrich.labels import label_segments
from assistant.enrich.sound import PATCH_FRAMES, log_mel, mel_matrix, patches, sound_segments

LABELS = ["Speech", "Siren", "Applause", "Dog"]


class _Scores:
    """A tagger whose patch scores follow a script: siren first, then applause."""

    labels: Sequence[str] = LABELS

    def __init__(self, per_patch: list[list[float]]) -> None:
        self.per_patch = per_patch

    def patch_scores(self, patches_: np.ndarray) -> np.ndarray:
        rows = [self.per_patch[min(i, len(self.per_patch) - 1)] for i in range(len(patches_))]
        return np.asarray(rows, dtype=np.float32)


def test_front_end_makes_yamnet_patches() -> None:
    weights = mel_matrix()
    assert weights.shape == (257, 64) and np.all(weights[0] == 0)
    assert np.all(weights.sum(axis=0) > 0)  # every band covers some bins
    tone = np.sin(2 * np.pi * 1000 * np.arange(16_000 * 3) / 16_000).astype(np.float32)
    features = log_mel(tone)
    assert features.shape[1] == 64
    assert np.argmax(features.mean(axis=0)) == np.argmax(weights[32])  # 1 kHz = FFT bin 32
    assert patches(tone).shape == (5, PATCH_FRAMES, 64)  # 3 s every 0.48 s
    assert patches(tone[:4000]).shape == (1, PATCH_FRAMES, 64)  # short clips are padded


def test_windows_keep_confident_non_speech_tags_and_merge_repeats() -> None:
    siren, applause = [0.9, 0.8, 0.1, 0.0], [0.9, 0.0, 0.7, 0.2]
    tagger = _Scores([siren] * 20 + [applause] * 10)
    samples = np.ones(16_000 * 15, dtype=np.float32)
    segments = sound_segments("a" * 16, samples, tagger)
    assert [s.kind for s in segments] == ["sound", "sound"]
    first, second = segments
    assert first.text == "Sounds: siren (80%)"  # speech is left to the transcript
    assert first.start_s == 0.0 and first.end_s is not None and first.end_s > 9.0
    assert second.text == "Sounds: applause (70%)"
    assert second.start_s is not None and 9.0 < second.start_s < 10.0
    assert sound_segments("a" * 16, np.zeros(16_000, dtype=np.float32), tagger) == []


class _Labels:
    def __init__(self, answers: list[list[tuple[str, float]]]) -> None:
        self.answers = answers

    def labels(self, pictures: Sequence[Image.Image], k: int) -> list[list[tuple[str, float]]]:
        return self.answers[: len(pictures)]


def test_keyframes_with_the_same_labels_are_one_segment() -> None:
    picture = Image.new("RGB", (32, 32))
    timed = [(picture, 0.0, 4.0), (picture, 4.0, 8.0), (picture, 8.0, 12.0)]
    answers = [
        [("baboon", 0.8), ("guenon", 0.1)],
        [("baboon", 0.6), ("guenon", 0.05)],
        [("castle", 0.1)],
    ]
    segments = label_segments("b" * 16, timed, _Labels(answers))
    assert len(segments) == 1  # the unsure third keyframe gets no label
    assert segments[0].text == "Objects: baboon (80%)"
    assert (segments[0].start_s, segments[0].end_s) == (0.0, 8.0)
