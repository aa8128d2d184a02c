"""Music attributes from 16 kHz mono samples: tempo, key and mode, loudness, duration.

Tempo comes from librosa's beat tracker, refined by a straight-line fit through the beat
times (the tracker's own estimate is quantised to whole onset-frame lags, several BPM
apart at this sample rate). Key and mode come from the mean chroma vector correlated with
the Krumhansl-Kessler key profiles, rotated to all 24 keys. Loudness is RMS in dBFS.
"""

from __future__ import annotations

import numpy as np

from assistant.models.base import Transcript
from assistant.schemas import MetadataValue, Provenance

SAMPLE_RATE = 16_000
# Onset frames of 16 ms: fine enough for beat times, cheap enough for long tracks.
HOP = 256
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
# Krumhansl & Kessler (1982) probe-tone ratings, tonic first.
MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
# Whisper words below this probability are treated as hallucinated over music.
CONFIDENT_WORD = 0.5
# Speech runs at 2-3 words/s; sung or hallucinated words over music are far sparser.
MAX_MUSIC_WORDS_PER_S = 0.8
SILENCE_DBFS = -50.0
# Tempo and key come from this much of the middle of a track (2 min: ~3 s on 2 cores).
ANALYSIS_WINDOW_S = 120.0


def _as_mono(samples_16k: np.ndarray) -> np.ndarray:
    samples = np.asarray(samples_16k, dtype=np.float32)
    return samples.mean(axis=0) if samples.ndim > 1 else samples


def loudness_dbfs(samples: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if samples.size else 0.0
    return round(20.0 * np.log10(max(rms, 1e-10)), 1)


def confident_words_per_s(transcript: Transcript, duration_s: float) -> float:
    words = [w for s in transcript.segments for w in s.words if w.probability >= CONFIDENT_WORD]
    if not words and any(not s.words for s in transcript.segments):
        # No word timings: count the segment text instead.
        words_count = sum(len(s.text.split()) for s in transcript.segments)
    else:
        words_count = len(words)
    return words_count / max(duration_s, 1e-6)


def tonal_stability(samples: np.ndarray) -> float:
    """How steady the pitch content is (0-1): the mean chroma of a piece in one key is
    peaky and stays put, while speech glides and noise is flat."""
    import librosa

    chroma = librosa.feature.chroma_stft(y=samples, sr=SAMPLE_RATE, hop_length=HOP * 2)
    if chroma.size == 0:
        return 0.0
    mean = chroma.mean(axis=1)
    # Peakiness of the average chroma: 0 for flat (noise / gliding), ~1 for a few fixed notes.
    spread = float(mean.max() - mean.min()) / float(mean.max() + 1e-9)
    # Frame-to-frame agreement with the average pitch profile.
    frames = chroma / (np.linalg.norm(chroma, axis=0, keepdims=True) + 1e-9)
    profile = mean / (np.linalg.norm(mean) + 1e-9)
    agreement = float(np.mean(profile @ frames))
    return float(np.clip(spread * agreement, 0.0, 1.0))


def pulse_clarity(samples: np.ndarray) -> float:
    """How strongly the onset envelope repeats at a beat period (0-1): the highest
    normalised autocorrelation peak at lags of 0.3-2 s (30-200 BPM)."""
    import librosa

    envelope = librosa.onset.onset_strength(y=samples, sr=SAMPLE_RATE, hop_length=HOP)
    envelope = envelope - envelope.mean()
    if envelope.size < 4 or not np.any(envelope):
        return 0.0
    auto = librosa.autocorrelate(envelope)
    auto = auto / (auto[0] + 1e-9)
    frame_s = HOP / SAMPLE_RATE
    lo, hi = int(0.3 / frame_s), min(int(2.0 / frame_s), auto.size - 1)
    return float(np.clip(auto[lo:hi].max(), 0.0, 1.0)) if hi > lo else 0.0


def looks_like_music(samples_16k: np.ndarray, transcript: Transcript) -> bool:
    """True for music: few confident words per second over a steady-pitched or
    pulsing, non-silent signal. Speech (dense words) and silence/noise are not music."""
    samples = _as_mono(samples_16k)
    duration_s = samples.size / SAMPLE_RATE
    if duration_s < 2.0 or loudness_dbfs(samples) < SILENCE_DBFS:
        return False
    if confident_words_per_s(transcript, duration_s) > MAX_MUSIC_WORDS_PER_S:
        return False
    excerpt = middle_excerpt(samples, ANALYSIS_WINDOW_S)
    return tonal_stability(excerpt) >= 0.3 or pulse_clarity(excerpt) >= 0.5


def _onset_envelope(samples: np.ndarray) -> np.ndarray:
    """Spectral flux, as the mean over mel bands plus the median over them, each scaled
    to its peak. Broadband noise inflates the mean everywhere (a noisy 72 BPM track was
    tracked at 144, a 90 at 122) but hardly moves the median, which only rises when most
    bands change at once (a hit); the mean keeps band-limited hits such as a kick drum."""
    import librosa

    mean = librosa.onset.onset_strength(y=samples, sr=SAMPLE_RATE, hop_length=HOP)
    median = librosa.onset.onset_strength(y=samples, sr=SAMPLE_RATE, hop_length=HOP,
                                          aggregate=np.median)
    return np.asarray(mean / (mean.max() + 1e-9) + median / (median.max() + 1e-9))


def _drop_offbeats(envelope: np.ndarray, beat_frames: np.ndarray) -> np.ndarray:
    """Keep every other beat when alternate beats carry almost no onset energy: the
    tracker (its prior centred on 120 BPM) then counted off-beats of a slow piece,
    a clean double of the real tempo."""
    strength = np.array([envelope[max(f - 1, 0) : f + 2].max() for f in beat_frames])
    even, odd = strength[0::2].mean(), strength[1::2].mean()
    if min(even, odd) < 0.5 * max(even, odd):
        return beat_frames[0::2] if even >= odd else beat_frames[1::2]
    return beat_frames


def _more_periodic_tempo(envelope: np.ndarray, tempo: float) -> float | None:
    """A tempo at 2/3, 3/4, 4/3 or 3/2 of the tracker's where the onsets repeat much more
    strongly, or None. Noise can pull the tracker (its prior centred on 120 BPM) onto a
    non-octave multiple: a 72 BPM piece in noise was tracked at 108, where the onset
    autocorrelation is ~0 against ~0.6 at 72. Octaves are left to _drop_offbeats: a
    periodic signal repeats at twice its period as well."""
    import librosa

    centred = envelope - envelope.mean()
    auto = librosa.autocorrelate(centred)
    if auto.size < 4 or auto[0] <= 0:
        return None
    auto = auto / auto[0]
    frames_per_s = SAMPLE_RATE / HOP

    def salience(bpm: float) -> float:
        lag = round(60.0 * frames_per_s / bpm)
        return float(auto[max(lag - 1, 1) : lag + 2].max()) if 1 < lag < auto.size - 1 else -1.0

    here = salience(tempo)
    ratios = (2 / 3, 3 / 4, 4 / 3, 3 / 2)
    options = [tempo * ratio for ratio in ratios if 40 <= tempo * ratio <= 220]
    best = max(options, key=salience, default=None)
    return best if best is not None and salience(best) > here + 0.25 else None


def estimate_tempo(samples: np.ndarray) -> tuple[float, float]:
    """(BPM, confidence). Confidence is high when beats come at even intervals."""
    import librosa

    # Onsets of the percussive part: sustained notes and arpeggios otherwise pull the
    # tracker onto note-rate subdivisions (e.g. 3 sixteenths, a 4/3 tempo error).
    percussive = librosa.effects.percussive(samples, margin=2.0)
    envelope = _onset_envelope(percussive)
    tempo, beat_frames = librosa.beat.beat_track(
        onset_envelope=envelope, sr=SAMPLE_RATE, hop_length=HOP
    )
    coarse = float(np.atleast_1d(tempo)[0])
    better = _more_periodic_tempo(envelope, coarse)
    if better is not None:
        coarse = better
        _, beat_frames = librosa.beat.beat_track(
            onset_envelope=envelope, sr=SAMPLE_RATE, hop_length=HOP, bpm=better
        )
    if len(beat_frames) < 4:
        return round(coarse, 1), 0.2
    beat_frames = _drop_offbeats(envelope, np.asarray(beat_frames))
    beats = librosa.frames_to_time(beat_frames, sr=SAMPLE_RATE, hop_length=HOP)
    intervals = np.diff(beats)
    # Least-squares line through beat time vs beat number: its slope is the beat period,
    # averaged over the whole track instead of quantised to one onset-frame lag.
    period = float(np.polyfit(np.arange(len(beats)), beats, 1)[0])
    bpm = 60.0 / period if period > 0 else coarse
    regularity = 1.0 - float(np.clip(np.std(intervals) / (np.mean(intervals) + 1e-9) * 4, 0, 1))
    confidence = 0.5 * regularity + 0.5 * pulse_clarity(samples)
    return round(bpm, 1), round(float(np.clip(confidence, 0.0, 1.0)), 2)


def key_scores(chroma_mean: np.ndarray) -> list[tuple[float, str, str]]:
    """(correlation, tonic, mode) for all 24 keys, best first."""
    scores = []
    for shift, tonic in enumerate(PITCH_CLASSES):
        for mode, profile in (("major", MAJOR_PROFILE), ("minor", MINOR_PROFILE)):
            rotated = np.roll(profile, shift)
            scores.append((float(np.corrcoef(chroma_mean, rotated)[0, 1]), tonic, mode))
    return sorted(scores, reverse=True)


def estimate_key(samples: np.ndarray) -> tuple[str, str, float]:
    """(tonic, mode, confidence) from the Krumhansl-Schmuckler key-finding algorithm."""
    import librosa

    # The harmonic part only, so drums do not smear the pitch classes.
    harmonic = librosa.effects.harmonic(samples)
    chroma = librosa.feature.chroma_cqt(y=harmonic, sr=SAMPLE_RATE, hop_length=HOP * 2)
    scores = key_scores(chroma.mean(axis=1))
    best, runner_up = scores[0], scores[1]
    # A clear winner (correlation well above the next key) is a confident key.
    margin = best[0] - runner_up[0]
    confidence = float(np.clip(0.4 + 0.6 * max(best[0], 0.0) * min(margin * 10, 1.0), 0, 1))
    return best[1], best[2], round(confidence, 2)


def middle_excerpt(samples: np.ndarray, seconds: float) -> np.ndarray:
    """At most `seconds` from the middle: intros and fade-outs mislead, and the spectral
    analyses cost memory and time in proportion to length."""
    keep = int(seconds * SAMPLE_RATE)
    if samples.size <= keep:
        return samples
    start = (samples.size - keep) // 2
    return samples[start : start + keep]


def music_metadata(samples_16k: np.ndarray) -> list[MetadataValue]:
    """tempo (BPM), key ("A minor"), mode, loudness_db, duration_s — source "analysis"."""
    samples = _as_mono(samples_16k)
    duration_s = round(samples.size / SAMPLE_RATE, 2)
    how = Provenance(method="librosa")
    values = [
        MetadataValue(field="duration_s", value=duration_s, source="analysis", provenance=how),
        MetadataValue(field="loudness_db", value=loudness_dbfs(samples), source="analysis",
                      provenance=Provenance(method="rms-dbfs")),
    ]
    if duration_s < 2.0 or loudness_dbfs(samples) < SILENCE_DBFS:
        return values
    excerpt = middle_excerpt(samples, ANALYSIS_WINDOW_S)
    bpm, tempo_conf = estimate_tempo(excerpt)
    tonic, mode, key_conf = estimate_key(excerpt)
    key_how = Provenance(method="krumhansl-schmuckler")
    return [
        MetadataValue(field="tempo", value=bpm, source="analysis", confidence=tempo_conf,
                      provenance=Provenance(method="librosa-beat-track")),
        MetadataValue(field="key", value=f"{tonic} {mode}", source="analysis",
                      confidence=key_conf, provenance=key_how),
        MetadataValue(field="mode", value=mode, source="analysis", confidence=key_conf,
                      provenance=key_how),
        *values,
    ]
