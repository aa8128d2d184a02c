"""A varied corpus of synthesised music with known tempo, key and mode.

Each track is drawn from a seeded random generator: a tempo (60-180 BPM), a tonic and a
mode (major, or harmonic minor with a major dominant), a chord progression, a timbre
(piano, organ, pluck, saw lead, strings, electric piano), an accompaniment pattern
(block chords, arpeggios, a sustained pad, off-beat chords), a bass line, drums or none,
sometimes a melody, sometimes reverb, noise and an MP3 round trip. The beat is the
quarter note; the downbeat of each bar carries the chord change, as in real music.

Used by bench/music.py (a seed that tuning looked at, and a held-out seed that it never
did) and by tests that need a few tracks. Nothing here knows how music.py works.
"""

from __future__ import annotations

import json
import subprocess
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

RATE = 22_050
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
# Scale degrees (semitones above the tonic) and chord qualities, per mode.
MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)
HARMONIC_MINOR_SCALE = (0, 2, 3, 5, 7, 8, 11)
CHORDS = {"maj": (0, 4, 7), "min": (0, 3, 7), "dim": (0, 3, 6), "dom7": (0, 4, 7, 10)}
# Progressions as (root above the tonic, quality), one chord per bar, per mode
# (music_progressions.json beside this file).
PROGRESSIONS: dict[str, list[list[tuple[int, str]]]] = {
    mode: [[(root, quality) for root, quality in bars] for bars in progressions]
    for mode, progressions in json.loads(
        Path(__file__).with_name("music_progressions.json").read_text(encoding="utf-8")
    ).items()
}
TIMBRES = ("piano", "organ", "pluck", "saw", "strings", "epiano")
COMPS = ("block", "arp8", "arp16", "pad", "offbeat")
BASSES = ("roots", "root13", "octaves8", "walk", "held")
DRUMS = ("none", "rock", "four", "quarters")


@dataclass(frozen=True)
class TrackSpec:
    name: str
    bpm: float
    tonic: str
    mode: str  # "major" | "minor" (harmonic minor)
    progression: int
    timbre: str
    comp: str
    bass: str
    drums: str
    melody: bool
    reverb_s: float  # 0 = dry
    noise_db: float | None  # white noise level in dBFS, None = clean
    mp3: bool
    seconds: float

    @property
    def key(self) -> str:
        return f"{self.tonic} {self.mode}"


def draw_specs(seed: int, count: int, seconds: float = 20.0) -> list[TrackSpec]:
    """`count` track specs from one seed, tempos spread evenly over 60-180 BPM (jittered)
    so every tempo region is represented, everything else drawn at random."""
    rng = np.random.default_rng(seed)
    edges = np.linspace(60.0, 180.0, count + 1)
    specs = []
    for i in range(count):
        bpm = float(round(rng.uniform(edges[i], edges[i + 1]), 1))
        mode = "major" if i % 2 == 0 else "minor"
        drums = str(rng.choice(DRUMS, p=[0.4, 0.25, 0.2, 0.15]))
        comp = str(rng.choice(COMPS))
        bass = str(rng.choice(BASSES))
        if drums == "none":
            # Without drums something must mark the beat, as in real music.
            if comp in ("pad", "offbeat"):
                comp = str(rng.choice(("block", "arp8", "arp16")))
            if bass == "held":
                bass = "roots"
        degraded = rng.random() < 0.3
        specs.append(
            TrackSpec(
                name=f"s{seed}_{i:02d}",
                bpm=bpm,
                tonic=PITCH_CLASSES[int(rng.integers(12))],
                mode=mode,
                progression=int(rng.integers(len(PROGRESSIONS[mode]))),
                timbre=str(rng.choice(TIMBRES)),
                comp=comp,
                bass=bass,
                drums=drums,
                melody=bool(rng.random() < 0.5),
                reverb_s=float(rng.choice((0.0, 0.0, 0.4, 1.0))),
                noise_db=float(rng.uniform(-34, -24)) if degraded else None,
                mp3=degraded or rng.random() < 0.2,
                seconds=seconds,
            )
        )
    return specs


def _hz(midi: float) -> float:
    return float(440.0 * 2 ** ((midi - 69) / 12))


def _envelope(n: int, attack_s: float, decay: float, release_s: float = 0.02) -> np.ndarray:
    t = np.arange(n) / RATE
    env = np.minimum(1.0, t / max(attack_s, 1e-4)) * np.exp(-t * decay)
    tail = min(n, int(release_s * RATE))
    if tail:
        env[-tail:] *= np.linspace(1.0, 0.0, tail)
    return env


def tone(midi: float, seconds: float, timbre: str) -> np.ndarray:
    """One note: additive harmonics shaped by the timbre's envelope."""
    n = max(int(seconds * RATE), 16)
    t = np.arange(n) / RATE
    f0 = _hz(midi)
    out = np.zeros(n)
    if timbre == "strings":
        t = t + 0.003 * np.sin(2 * np.pi * 5.5 * t) / (2 * np.pi * 5.5)  # vibrato
    harmonics = {"piano": 7, "organ": 4, "pluck": 10, "saw": 14, "strings": 10, "epiano": 3}
    for k in range(1, harmonics[timbre] + 1):
        if f0 * k > 7_000:
            break
        if timbre == "organ":
            amp, decay = (1.0, 0.6, 0.4, 0.3)[k - 1], 0.3
        elif timbre == "epiano":
            amp, decay = (1.0, 0.35, 0.1)[k - 1], 2.0 + 2.0 * k
        elif timbre == "pluck":
            amp, decay = 1.0 / k, 3.0 + 2.5 * k
        elif timbre == "piano":
            amp, decay = 1.0 / k**1.3, 1.5 + 0.8 * k
        else:  # saw, strings: 1/k spectrum, sustained
            amp, decay = 1.0 / k, 0.4
        out += amp * np.exp(-t * decay) * np.sin(2 * np.pi * f0 * k * t * (1 + 0.0004 * k))
    attack = {"strings": 0.08, "organ": 0.01, "saw": 0.01}.get(timbre, 0.003)
    return out * _envelope(n, attack, 0.0, 0.03)


def _add(track: np.ndarray, start_s: float, sound: np.ndarray, gain: float) -> None:
    start = int(start_s * RATE)
    if start >= track.size:
        return
    end = min(track.size, start + sound.size)
    track[start:end] += gain * sound[: end - start]


def _drum(kind: str, rng: np.random.Generator) -> np.ndarray:
    if kind == "kick":
        n = int(0.25 * RATE)
        t = np.arange(n) / RATE
        freq = 50 + 90 * np.exp(-t * 30)
        return np.sin(2 * np.pi * np.cumsum(freq) / RATE) * np.exp(-t * 12)
    if kind == "snare":
        n = int(0.18 * RATE)
        t = np.arange(n) / RATE
        body = 0.5 * np.sin(2 * np.pi * 190 * t) * np.exp(-t * 30)
        return body + rng.normal(0, 0.6, n) * np.exp(-t * 22)
    n = int(0.05 * RATE)  # closed hi-hat: high-passed noise
    noise = rng.normal(0, 1, n)
    return np.diff(noise, prepend=0.0) * 0.5 * np.exp(-np.arange(n) / (0.012 * RATE))


def _chord_notes(spec: TrackSpec, bar: int) -> tuple[int, list[int]]:
    root_offset, quality = PROGRESSIONS[spec.mode][spec.progression][bar % 4]
    root = 48 + PITCH_CLASSES.index(spec.tonic) + root_offset  # C3..
    if root > 59:
        root -= 12
    return root, [root + i for i in CHORDS[quality]]


def render(spec: TrackSpec) -> np.ndarray:
    """The track as float32 samples at RATE (before noise and MP3)."""
    rng = np.random.default_rng(zlib.crc32(spec.name.encode()))
    beat = 60.0 / spec.bpm
    track = np.zeros(int(spec.seconds * RATE) + RATE)
    bars = int(spec.seconds / (4 * beat)) + 1
    scale = MAJOR_SCALE if spec.mode == "major" else HARMONIC_MINOR_SCALE
    tonic = 60 + PITCH_CLASSES.index(spec.tonic)
    melody_degree = 0
    for bar in range(bars):
        t0 = bar * 4 * beat
        root, notes = _chord_notes(spec, bar)
        _comp(track, spec, t0, beat, notes)
        _bass(track, spec, t0, beat, root, notes)
        if spec.drums != "none":
            _drums(track, spec, t0, beat, rng)
        if spec.melody:
            for step in range(8):
                if rng.random() < 0.25:
                    continue
                melody_degree = int(np.clip(melody_degree + rng.integers(-2, 3), -3, 9))
                octave, degree = divmod(melody_degree, 7)
                midi = tonic + 12 * octave + scale[degree]
                accent = 0.35 if step % 2 == 0 else 0.25
                _add(track, t0 + step * beat / 2, tone(midi, beat / 2, spec.timbre), accent)
    track = track[: int(spec.seconds * RATE)]
    if spec.reverb_s:
        n = int(spec.reverb_s * RATE)
        impulse = rng.normal(0, 1, n) * np.exp(-np.arange(n) / (0.2 * spec.reverb_s * RATE))
        impulse[0] = 0.0
        size = track.size + n
        wet = np.fft.irfft(np.fft.rfft(track, size) * np.fft.rfft(impulse, size))[: track.size]
        track = track + 0.3 * wet / (np.max(np.abs(wet)) + 1e-9) * np.max(np.abs(track))
    track = 0.8 * track / (np.max(np.abs(track)) + 1e-9)
    if spec.noise_db is not None:
        track = track + rng.normal(0, 10 ** (spec.noise_db / 20), track.size)
    return track.astype(np.float32)


def _comp(track: np.ndarray, spec: TrackSpec, t0: float, beat: float, notes: list[int]) -> None:
    chord = [n + 12 for n in notes]
    if spec.comp == "pad":
        sound = sum(tone(n, 4 * beat, spec.timbre) for n in chord)
        _add(track, t0, np.asarray(sound), 0.25)
    elif spec.comp in ("block", "offbeat"):
        for b in range(4):
            at = t0 + b * beat + (beat / 2 if spec.comp == "offbeat" else 0.0)
            length = beat * (0.45 if spec.comp == "offbeat" else 0.9)
            sound = sum(tone(n, length, spec.timbre) for n in chord)
            _add(track, at, np.asarray(sound), 0.3 if b == 0 else 0.24)
    else:
        per_beat = 2 if spec.comp == "arp8" else 4
        cycle = [*chord, chord[0] + 12]
        order = cycle + cycle[-2:0:-1]
        for step in range(4 * per_beat):
            gain = 0.38 if step % per_beat == 0 else 0.24
            _add(
                track,
                t0 + step * beat / per_beat,
                tone(order[step % len(order)], beat / per_beat * 1.5, spec.timbre),
                gain,
            )


def _bass(
    track: np.ndarray, spec: TrackSpec, t0: float, beat: float, root: int, notes: list[int]
) -> None:
    low = root - 12
    timbre = "pluck" if spec.timbre in ("organ", "strings", "pad") else spec.timbre
    if spec.bass == "held":
        _add(track, t0, tone(low, 4 * beat, "organ"), 0.3)
    elif spec.bass == "octaves8":
        for step in range(8):
            _add(
                track,
                t0 + step * beat / 2,
                tone(low + 12 * (step % 2), beat / 2, timbre),
                0.4 if step % 2 == 0 else 0.28,
            )
    else:
        if spec.bass == "root13":
            steps = [(0, low, 2), (2, low, 2)]
        elif spec.bass == "walk":
            steps = [(b, n - 12, 1) for b, n in enumerate([notes[0], notes[1], notes[2], notes[1]])]
        else:
            steps = [(b, low, 1) for b in range(4)]
        for b, midi, beats in steps:
            _add(track, t0 + b * beat, tone(midi, beats * beat * 0.9, timbre), 0.45)


def _drums(
    track: np.ndarray, spec: TrackSpec, t0: float, beat: float, rng: np.random.Generator
) -> None:
    kick, snare, hat = _drum("kick", rng), _drum("snare", rng), _drum("hat", rng)
    for b in range(4):
        at = t0 + b * beat
        if spec.drums == "rock":
            _add(track, at, kick if b in (0, 2) else snare, 0.8 if b in (0, 2) else 0.5)
            _add(track, at, hat, 0.25)
            _add(track, at + beat / 2, hat, 0.18)
        elif spec.drums == "four":
            _add(track, at, kick, 0.8)
            _add(track, at + beat / 2, hat, 0.25)
            if b in (1, 3):
                _add(track, at, snare, 0.35)
        else:  # quarters: a light kick and hat on every beat
            _add(track, at, kick, 0.45)
            _add(track, at, hat, 0.2)


def write_track(spec: TrackSpec, folder: Path) -> Path:
    """Render and write the track: WAV, or MP3 at 64 kb/s when the spec says so."""
    import soundfile

    folder.mkdir(parents=True, exist_ok=True)
    wav = folder / f"{spec.name}.wav"
    soundfile.write(str(wav), render(spec), RATE)
    if not spec.mp3:
        return wav
    mp3 = wav.with_suffix(".mp3")
    subprocess.run(
        ["ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-i", str(wav), "-b:a", "64k", str(mp3)],
        check=True,
    )
    wav.unlink()
    return mp3


def describe(spec: TrackSpec) -> dict[str, object]:
    return asdict(spec)
