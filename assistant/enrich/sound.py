"""Sound events (applause, siren, telephone bell, music...) as timed, searchable segments.

The front end computes YAMNet's features from 16 kHz mono samples: 25 ms Hann frames
every 10 ms, a 512-point FFT magnitude, 64 mel bands (HTK scale, 125-7500 Hz, built the
way tf.signal.linear_to_mel_weight_matrix builds them), log(mel + 0.001), cut into
patches of 96 frames (0.96 s) every 48 frames (0.48 s).

Tags: the clip is cut into windows of WINDOW_PATCHES patches; in each, a class counts
when its best patch scores at least MIN_SCORE; the top MAX_TAGS (5) become the window's
text ("Sounds: siren (91%), vehicle (40%)"). Consecutive windows with the same tags are
one segment spanning them. Speech is left out (transcripts cover it), and so is silence.

Sound by example: each segment also gets a profile, the best score of every class over
its patches (speech and silence zeroed), L2-normalised: the "sound" vector space. An
uploaded clip's profile (clip_profile) finds segments with the same sounds by cosine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from assistant.models.sound_events import SoundTagger
from assistant.schemas import Segment

RATE = 16_000
FRAME, HOP, FFT, MELS = 400, 160, 512, 64
# YAMNet's own hop: half-overlapping patches. End-to-end patches halve the cost but
# miss short events that straddle a patch boundary (the freedesktop alarm clock was
# heard as "glass, beep" instead of "smoke alarm, alarm clock").
PATCH_FRAMES, PATCH_HOP_FRAMES = 96, 48
PATCH_HOP_S = PATCH_HOP_FRAMES * HOP / RATE
PATCH_S = PATCH_FRAMES * HOP / RATE  # 0.96 s
LOG_OFFSET = 0.001
# A window of ten patches (4.8 s): long enough to name a scene, short enough to place
# "the applause after the speech".
WINDOW_PATCHES = 10
MIN_SCORE = 0.3
MAX_TAGS = 5
# Classes a transcript or silence already says; tagging them would only add noise.
SKIPPED = {
    "Speech",
    "Child speech, kid speaking",
    "Conversation",
    "Narration, monologue",
    "Babbling",
    "Speech synthesizer",
    "Male speech, man speaking",
    "Female speech, woman speaking",
    "Silence",
}
SEGMENT_KIND: Literal["sound"] = "sound"


def mel_matrix() -> np.ndarray:
    """[FFT//2+1, MELS] triangular weights in the mel domain (HTK), DC bin zeroed."""
    hz = np.linspace(0.0, RATE / 2, FFT // 2 + 1)
    mel = 1127.0 * np.log1p(hz / 700.0)
    edges = np.linspace(
        1127.0 * np.log1p(125.0 / 700.0), 1127.0 * np.log1p(7500.0 / 700.0), MELS + 2
    )
    lower, centre, upper = edges[:-2], edges[1:-1], edges[2:]
    rising = (mel[:, None] - lower) / (centre - lower)
    falling = (upper - mel[:, None]) / (upper - centre)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    weights[0, :] = 0.0
    return weights


def log_mel(samples_16k: np.ndarray) -> np.ndarray:
    """[frames, 64] log-mel magnitudes of 16 kHz mono samples."""
    samples = np.asarray(samples_16k, dtype=np.float32)
    if samples.size < FRAME:
        samples = np.pad(samples, (0, FRAME - samples.size))
    count = 1 + (samples.size - FRAME) // HOP
    index = np.arange(FRAME)[None, :] + HOP * np.arange(count)[:, None]
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME) / FRAME)  # periodic Hann
    spectrum = np.abs(np.fft.rfft(samples[index] * window, FFT))
    return np.asarray(np.log(spectrum @ mel_matrix() + LOG_OFFSET), dtype=np.float32)


def patches(samples_16k: np.ndarray) -> np.ndarray:
    """[N, 96, 64] patches every PATCH_HOP_S; a clip shorter than one patch is padded with
    silence (log(0.001)), so a one-second bell still gets a patch."""
    features = log_mel(samples_16k)
    if features.shape[0] < PATCH_FRAMES:
        pad = np.full((PATCH_FRAMES - features.shape[0], MELS), np.log(LOG_OFFSET))
        features = np.vstack([features, pad.astype(np.float32)])
    starts = range(0, features.shape[0] - PATCH_FRAMES + 1, PATCH_HOP_FRAMES)
    return np.stack([features[s : s + PATCH_FRAMES] for s in starts])


def clip_tags(scores: np.ndarray, labels: Sequence[str]) -> list[tuple[str, float]]:
    """The best tags of a stretch of patches: (label, best patch score), best first."""
    if scores.size == 0:
        return []
    best = scores.max(axis=0)
    order = np.argsort(best)[::-1]
    return [
        (labels[i], float(best[i]))
        for i in order
        if best[i] >= MIN_SCORE and labels[i] not in SKIPPED
    ][:MAX_TAGS]


def clip_profile(scores: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """The clip-level score vector of a stretch of patches: each class's best patch
    score, the skipped classes (speech, silence) zeroed, L2-normalised (zero stays zero).
    Max rather than mean: a one-second bell in a five-second window still counts."""
    if scores.size == 0:
        return np.zeros(len(labels), dtype=np.float32)
    best = scores.max(axis=0).astype(np.float32)
    best[[i for i, label in enumerate(labels) if label in SKIPPED]] = 0.0
    norm = float(np.linalg.norm(best))
    return best / norm if norm > 0 else best


def query_profile(samples_16k: np.ndarray, tagger: SoundTagger) -> np.ndarray:
    """The profile of a whole uploaded clip (zeros when it is silent)."""
    if samples_16k.size == 0 or not np.any(samples_16k):
        return np.zeros(len(tagger.labels), dtype=np.float32)
    return clip_profile(tagger.patch_scores(patches(samples_16k)), tagger.labels)


def tag_text(tags: Sequence[tuple[str, float]]) -> str:
    return "Sounds: " + ", ".join(f"{label.lower()} ({score:.0%})" for label, score in tags)


def sound_segments(
    asset_id: str, samples_16k: np.ndarray, tagger: SoundTagger, duration_s: float | None = None
) -> list[Segment]:
    """Timed "sound" segments for one clip or soundtrack ([] when nothing is heard)."""
    return timed_sounds(asset_id, samples_16k, tagger, duration_s)[0]


def timed_sounds(
    asset_id: str, samples_16k: np.ndarray, tagger: SoundTagger, duration_s: float | None = None
) -> tuple[list[Segment], dict[str, np.ndarray]]:
    """The "sound" segments and each one's profile (segment id -> vector)."""
    if samples_16k is None or samples_16k.size == 0 or not np.any(samples_16k):
        return [], {}
    scores = tagger.patch_scores(patches(samples_16k))
    end_of_clip = duration_s if duration_s is not None else samples_16k.size / RATE
    # (start, end, tags, first patch, end patch)
    spans: list[tuple[float, float, list[tuple[str, float]], int, int]] = []
    for first in range(0, scores.shape[0], WINDOW_PATCHES):
        last = min(first + WINDOW_PATCHES, scores.shape[0])
        tags = clip_tags(scores[first:last], tagger.labels)
        start = first * PATCH_HOP_S
        end = min(end_of_clip, (last - 1) * PATCH_HOP_S + PATCH_S)
        if not tags:
            continue
        previous = spans[-1] if spans else None
        if (
            previous
            and [t for t, _ in previous[2]] == [t for t, _ in tags]
            and abs(previous[1] - start) <= PATCH_S
        ):
            merged = [(t, max(a, b)) for (t, a), (_, b) in zip(previous[2], tags, strict=True)]
            spans[-1] = (previous[0], end, merged, previous[3], last)
        else:
            spans.append((start, max(start, end), tags, first, last))
    segments = [
        Segment.of(
            asset_id,
            SEGMENT_KIND,
            i,
            start_s=round(start, 2),
            end_s=round(end, 2),
            text=tag_text(tags),
        )
        for i, (start, end, tags, _, _) in enumerate(spans)
    ]
    profiles = {
        segment.segment_id: clip_profile(scores[first:last], tagger.labels)
        for segment, (_, _, _, first, last) in zip(segments, spans, strict=True)
    }
    return segments, profiles
