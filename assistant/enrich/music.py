"""Music attributes from 16 kHz mono samples: tempo, key and mode, loudness, duration.

Tempo: the onset envelope's autocorrelation proposes a beat period, a phase-locked comb
pins it, the rate of chord change proposes a second tempo (metrical.harmonic_seed, on
32 ms chroma), and a learned linear score (assistant.enrich.metrical) picks among both
and their octaves and relatives: the beat, not its half or double (estimate_tempo).
Key and mode: the whole excerpt's chroma (per-octave spectra at the notes) correlated
with Temperley's key profiles rotated to all 24 keys, the opening and closing weighted
more, then the best key and its relative major/minor weighed by the final cadence
(assistant.enrich.cadence). Loudness is RMS in dBFS.
Tempo on at most the middle two minutes, key on at most the middle ten, at 16 kHz with
coarse hops: well under 0.05x real time.
"""

from __future__ import annotations

import numpy as np

from assistant.enrich.cadence import (
    FINAL_BASS_WEIGHT,
    ends_in_decay,
    final_bass_share,
    minor_evidence,
    third_evidence,
)
from assistant.enrich.chroma import chroma, chroma_and_bass
from assistant.enrich.metrical import (
    WEAK_PULSE,
    ClipSignals,
    choose_level,
    clip_pulse,
    harmonic_seed,
    split_envelopes,
)
from assistant.models.base import Transcript
from assistant.schemas import MetadataValue, Provenance

SAMPLE_RATE = 16_000
# Onset frames of 16 ms: fine enough for beat times, cheap enough for long tracks.
HOP = 256
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
# Temperley (1999) key profiles, tonic first. Against Krumhansl-Kessler's probe-tone
# ratings they weigh the leading tone as much in minor as in major (harmonic minor's
# raised seventh): 22/24 keys right on the tuned corpus, against 20/24.
MAJOR_PROFILE = np.array([5.0, 2.0, 3.5, 2.0, 4.5, 4.0, 2.0, 4.5, 2.0, 3.5, 1.5, 4.0])
MINOR_PROFILE = np.array([5.0, 2.0, 3.5, 4.5, 2.0, 4.0, 2.0, 4.5, 3.5, 2.0, 1.5, 4.0])
# Whisper words below this probability are treated as hallucinated over music.
CONFIDENT_WORD = 0.5
# Speech runs at 2-3 words/s; sung or hallucinated words over music are far sparser.
MAX_MUSIC_WORDS_PER_S = 0.8
SILENCE_DBFS = -50.0
# Tempo and key come from this much of the middle of a track.
ANALYSIS_WINDOW_S = 120.0
# Onset envelope frames of 10 ms (100 frames/s): 1 % of a beat period at 60 BPM.
ONSET_HOP = 160
ONSET_FPS = SAMPLE_RATE / ONSET_HOP
MIN_BPM, MAX_BPM = 50.0, 200.0
TEMPO_PRIOR_BPM = 120.0
TEMPO_PRIOR_OCTAVES = 1.0
# Key from at most this much of the middle of a track (the whole of most pieces: their
# opening and closing state the key), its first and last tenth weighted ENDS_WEIGHT times.
KEY_WINDOW_S = 600.0
ENDS_FRACTION, ENDS_WEIGHT = 0.1, 3.0
# Chroma frames of 128 ms: key is a whole-track property, coarse frames are enough.
CHROMA_HOP = 2048
CHROMA_FPS = SAMPLE_RATE / CHROMA_HOP
# Chroma frames of 32 ms for the rate of chord change (metrical.harmonic_seed): at 128 ms
# a fast chorale's beat is 2-3 frames and its rate came out 5-12 % low.
FINE_CHROMA_HOP = 512
FINE_CHROMA_FPS = SAMPLE_RATE / FINE_CHROMA_HOP


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


def _mel(samples: np.ndarray) -> np.ndarray:
    """40-band mel power at ONSET_FPS frames/s (512-point FFT): the one spectrogram the
    tempo estimate needs (< 1 % of real time)."""
    import librosa

    return np.asarray(
        librosa.feature.melspectrogram(
            y=samples, sr=SAMPLE_RATE, n_fft=512, hop_length=ONSET_HOP, n_mels=40, fmax=8_000
        )
    )


def onset_envelope(samples: np.ndarray) -> np.ndarray:
    """Spectral flux at ONSET_FPS frames/s: the mean over 40 mel bands plus the mean over
    the lowest ten (below ~500 Hz), each scaled to its peak. Kicks and bass notes mark
    beats; hi-hats, off-beat chords and fast arpeggios fill the levels below them."""
    return split_envelopes(_mel(samples))[0]


def _autocorrelation(envelope: np.ndarray) -> np.ndarray:
    centred = envelope - envelope.mean()
    size = 1 << int(np.ceil(np.log2(2 * centred.size)))
    spectrum = np.fft.rfft(centred, size)
    auto = np.fft.irfft(spectrum * np.conj(spectrum), size)[: centred.size]
    return np.asarray(auto / (auto[0] + 1e-12))


def _salience(auto: np.ndarray, bpm: np.ndarray) -> np.ndarray:
    """Mean autocorrelation at 1-4 beat periods of each tempo (fractional lags
    interpolated). One lag alone cannot tell a beat from three sixteenths of an even
    arpeggio (a 66 BPM piece read as 88): every multiple of a sixteenth repeats; only
    multiples of the real beat also repeat its accents."""
    lags = 60.0 * ONSET_FPS / bpm
    frames = np.arange(auto.size)
    return np.mean([np.interp(k * lags, frames, auto, right=0.0) for k in (1, 2, 3, 4)], axis=0)


def _comb(envelope: np.ndarray, period: float) -> tuple[float, float]:
    """(mean onset strength on the best-phased beat grid of this period, its phase)."""
    beats = max(int((envelope.size - 1 - period) // period) + 1, 1)
    phases = np.arange(0.0, period, 1.0)
    grid = phases[:, None] + period * np.arange(beats)[None, :]
    values = np.interp(grid, np.arange(envelope.size), envelope).mean(axis=1)
    best = int(np.argmax(values))
    return float(values[best]), float(phases[best])


def _refine(envelope: np.ndarray, bpm: float) -> tuple[float, float]:
    """(bpm, beat-grid strength) at the best tempo within +-3 % of `bpm`, in 0.1 % steps:
    over a long excerpt a grid even 0.5 % off drifts out of phase, so the best grid
    pins the period far below one onset frame."""
    best = (bpm, -1.0)
    for candidate in bpm * (1.0 + np.arange(-0.03, 0.0305, 0.001)):
        strength, _ = _comb(envelope, 60.0 * ONSET_FPS / candidate)
        if strength > best[1]:
            best = (float(candidate), strength)
    return best


def tempo_prior(bpm: float) -> float:
    """A broad log-normal preference for moderate tempos (centre TEMPO_PRIOR_BPM, width
    TEMPO_PRIOR_OCTAVES). It only breaks near-ties between metrical levels: 60 and 180
    BPM keep most of its weight, so neither slow nor fast pieces are pulled to 60-90."""
    return float(np.exp(-0.5 * (np.log2(bpm / TEMPO_PRIOR_BPM) / TEMPO_PRIOR_OCTAVES) ** 2))


def _best_relative(envelope: np.ndarray, bpm: float) -> float:
    """Of `bpm` and its non-octave relatives (x2/3, x3/4, x4/3, x3/2), the tempo whose
    beat grid onsets fill best, times the prior. None of these grids is a subset of
    another, so strength compares fairly here (octaves do not: assistant.enrich.metrical)."""
    floor = float(envelope.mean())
    scored = []
    for ratio in (1.0, 2 / 3, 3 / 4, 4 / 3, 3 / 2):
        if MIN_BPM <= bpm * ratio <= MAX_BPM:
            refined, strength = _refine(envelope, bpm * ratio)
            scored.append(((strength - floor) * tempo_prior(refined), refined))
    return max(scored)[1]


def _seed_tempo(envelope: np.ndarray) -> float:
    """The autocorrelation's best period under the prior, then its best non-octave
    relative: right up to an octave."""
    auto = _autocorrelation(envelope)
    grid = np.geomspace(MIN_BPM, MAX_BPM, 400)
    weighted = np.maximum(_salience(auto, grid), 0.0) * np.array([tempo_prior(b) for b in grid])
    return _best_relative(envelope, float(grid[int(np.argmax(weighted))]))


def fine_chroma(samples: np.ndarray) -> np.ndarray:
    """[12, frames] chroma at FINE_CHROMA_FPS (32 ms), for the rate of chord change; about
    a millisecond per second of music."""
    return chroma(samples, FINE_CHROMA_HOP)


def estimate_tempo(samples: np.ndarray, chroma: np.ndarray | None = None) -> tuple[float, float]:
    """(BPM, confidence). The onset autocorrelation (under a broad prior) proposes a beat
    period, pinned by a phase-locked comb; which octave of it is the beat (x1/2, x1, x2)
    is chosen by assistant.enrich.metrical from percussive/harmonic onset strength and
    harmonic change per bar (the onset-drop rule that once decided unsure choices no
    longer helped: 502/506 tuned clips either way). Under a weak pulse the rate of chord
    change on fine chroma (metrical.harmonic_seed) adds its tempo and octaves to the
    candidates: a chorale's slow attacks can put the onset seed where no ratio of it is
    the beat. `chroma`
    ([12, frames] at CHROMA_FPS, from chroma_frames) saves computing it twice when the
    key is wanted too."""
    mel = _mel(samples)
    envelopes = split_envelopes(mel)
    envelope = envelopes[0]
    if envelope.size < 4 * ONSET_FPS or not np.any(envelope):
        return 0.0, 0.0
    seed = _seed_tempo(envelope)
    frames = chroma if chroma is not None else chroma_frames(samples)
    # Only without a pulse does the chord-change rate get a say (metrical.WEAK_PULSE): the
    # fine chroma is not computed for music with drums or plucked and struck notes.
    harmonic = (
        harmonic_seed(fine_chroma(samples), FINE_CHROMA_FPS)
        if clip_pulse(envelopes, seed) < WEAK_PULSE
        else None
    )
    bpm, gap = choose_level(ClipSignals(envelopes, frames, CHROMA_FPS), seed, harmonic)
    margin = float(np.tanh(gap / 2.0))
    strength = _comb(envelope, 60.0 * ONSET_FPS / bpm)[0]
    if bpm != seed:
        bpm, strength = _refine(envelope, bpm)
    contrast = float(np.clip(strength / (strength + envelope.mean() + 1e-9), 0.0, 1.0))
    confidence = float(np.clip(0.5 * contrast + 0.5 * margin, 0.0, 1.0))
    return round(bpm, 1), round(confidence, 2)


def key_scores(chroma_mean: np.ndarray) -> list[tuple[float, str, str]]:
    """(correlation, tonic, mode) for all 24 keys, best first."""
    scores = []
    for shift, tonic in enumerate(PITCH_CLASSES):
        for mode, profile in (("major", MAJOR_PROFILE), ("minor", MINOR_PROFILE)):
            rotated = np.roll(profile, shift)
            scores.append((float(np.corrcoef(chroma_mean, rotated)[0, 1]), tonic, mode))
    return sorted(scores, reverse=True)


def chroma_frames(samples: np.ndarray) -> np.ndarray:
    """[12, frames] chroma at CHROMA_FPS (assistant.enrich.chroma: per-octave spectra read
    at each note's frequency, C2-B7). It replaced librosa's CQT, whose filters alone cost
    ~0.4 s per call; on the tuned seeds 1 and 2026 keys went from 38/40 and 36/40 to
    40/40 and 38/40."""
    return chroma(samples, CHROMA_HOP)


def clip_signals(samples: np.ndarray) -> ClipSignals:
    """What metrical.choose_level reads of the clip's samples: onset envelopes and chroma
    (estimate_tempo builds its own, to stop early on silence and reuse a given chroma)."""
    return ClipSignals(split_envelopes(_mel(samples)), chroma_frames(samples), CHROMA_FPS)


def track_chroma(samples: np.ndarray, frames: np.ndarray | None = None) -> np.ndarray:
    """The track's chroma: chroma_frames summed over all frames, the opening and closing
    tenth of its sounding span ENDS_WEIGHT times over. Pieces that modulate (a chorale
    into its relative major or dominant) state and end in their key: on the 12 tuned
    chorales 7 keys right against 6 with even weights, the tuned synthetic seeds 120/120
    against 119/120."""
    found = frames if frames is not None else chroma_frames(samples)
    energy = found.sum(axis=0)
    sounding = np.flatnonzero(energy > 0.05 * energy.max(initial=0.0))
    weights = np.ones(found.shape[1])
    if sounding.size:
        first, last = int(sounding[0]), int(sounding[-1]) + 1
        ends = max(int(ENDS_FRACTION * (last - first)), 1)
        weights[first : first + ends] += ENDS_WEIGHT - 1.0
        weights[last - ends : last] += ENDS_WEIGHT - 1.0
    return np.asarray(found @ weights)


def _relative(tonic: str, mode: str) -> tuple[str, str]:
    shift = 9 if mode == "major" else 3
    return PITCH_CLASSES[(PITCH_CLASSES.index(tonic) + shift) % 12], (
        "minor" if mode == "major" else "major"
    )


def _with_cadence(
    scores: list[tuple[float, str, str]], frames: np.ndarray, bass: np.ndarray
) -> list[tuple[float, str, str]]:
    """`scores` with the best key's minor/relative-major pair re-weighed by how the piece
    ends (assistant.enrich.cadence): the minor's score gains its evidence."""
    _, tonic, mode = scores[0]
    pair = {(tonic, mode), _relative(tonic, mode)}
    minor_tonic = next(PITCH_CLASSES.index(t) for t, m in pair if m == "minor")
    evidence = minor_evidence(frames, bass, CHROMA_FPS, minor_tonic)
    adjusted = [
        (score + (evidence if m == "minor" else 0.0), t, m) if (t, m) in pair else (score, t, m)
        for score, t, m in scores
    ]
    return sorted(adjusted, reverse=True)


def _with_final_bass(
    scores: list[tuple[float, str, str]], bass: np.ndarray
) -> list[tuple[float, str, str]]:
    """`scores` with the keys on the best key's tonic, its dominant and its subdominant
    (either mode: the bass names a tonic, not a mode) each raised by how much of the
    ending has that tonic in the bass (FINAL_BASS_WEIGHT per unit). Chorales modulate
    to the dominant and linger there, and the profiles then put the dominant a little
    ahead (bwv244.40: E major 0.791, A major 0.786); the
    final bass is on the tonic. Only for a piece that ends (cadence.ends_in_decay): an
    excerpt cut on its dominant would be moved there."""
    _, tonic, _ = scores[0]
    root = PITCH_CLASSES.index(tonic)
    near = {PITCH_CLASSES[(root + shift) % 12] for shift in (0, 5, 7)}
    adjusted = [
        (
            score + FINAL_BASS_WEIGHT * final_bass_share(bass, CHROMA_FPS, PITCH_CLASSES.index(t)),
            t,
            m,
        )
        if t in near
        else (score, t, m)
        for score, t, m in scores
    ]
    return sorted(adjusted, reverse=True)


def _with_third(
    scores: list[tuple[float, str, str]], frames: np.ndarray
) -> list[tuple[float, str, str]]:
    """`scores` with the best key and its parallel (same tonic, other mode) re-weighed by
    the third the body of the piece sounds (assistant.enrich.cadence.third_evidence)."""
    _, tonic, _ = scores[0]
    evidence = third_evidence(frames, CHROMA_FPS, PITCH_CLASSES.index(tonic))
    adjusted = [
        (score + (evidence if m == "minor" else 0.0), t, m) if t == tonic else (score, t, m)
        for score, t, m in scores
    ]
    return sorted(adjusted, reverse=True)


def estimate_key(
    samples: np.ndarray, frames: np.ndarray | None = None, bass: np.ndarray | None = None
) -> tuple[str, str, float]:
    """(tonic, mode, confidence): the excerpt's chroma correlated with the 24 rotated key
    profiles, the best key and its relative then weighed by the final cadence (`frames`
    and `bass` from chroma_and_bass, computed when not given). Confidence grows with the
    winner's correlation and its margin over the runner-up (often the relative or
    parallel key)."""
    if frames is None or bass is None:
        frames, bass = chroma_and_bass(samples, CHROMA_HOP)
    chroma = track_chroma(samples, frames)
    if not np.any(chroma):
        return "C", "major", 0.0
    scores = key_scores(chroma)
    if ends_in_decay(samples):
        scores = _with_final_bass(scores, bass)
    scores = _with_third(_with_cadence(scores, frames, bass), frames)
    (best, tonic, mode), (second, _, _) = scores[0], scores[1]
    confidence = float(
        np.clip(0.3 + 0.7 * max(best, 0.0) * min((best - second) * 8, 1.0), 0.0, 1.0)
    )
    return tonic, mode, round(confidence, 2)


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
        MetadataValue(
            field="loudness_db",
            value=loudness_dbfs(samples),
            source="analysis",
            provenance=Provenance(method="rms-dbfs"),
        ),
    ]
    if duration_s < 2.0 or loudness_dbfs(samples) < SILENCE_DBFS:
        return values
    excerpt = middle_excerpt(samples, ANALYSIS_WINDOW_S)
    keyed = middle_excerpt(samples, KEY_WINDOW_S)
    key_frames, bass = chroma_and_bass(keyed, CHROMA_HOP)
    # The tempo's share of those frames: its excerpt is the middle of the key's.
    skip = (keyed.size - excerpt.size) // 2 // CHROMA_HOP
    frames = key_frames[:, skip : skip + excerpt.size // CHROMA_HOP + 1]
    bpm, tempo_conf = estimate_tempo(excerpt, frames)
    tonic, mode, key_conf = estimate_key(keyed, key_frames, bass)
    key_how = Provenance(method="note-chroma-temperley-profiles")
    return [
        MetadataValue(
            field="tempo",
            value=bpm,
            source="analysis",
            confidence=tempo_conf,
            provenance=Provenance(method="onset-comb-metrical-level"),
        ),
        MetadataValue(
            field="key",
            value=f"{tonic} {mode}",
            source="analysis",
            confidence=key_conf,
            provenance=key_how,
        ),
        MetadataValue(
            field="mode", value=mode, source="analysis", confidence=key_conf, provenance=key_how
        ),
        *values,
    ]
