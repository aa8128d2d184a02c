"""Real scores rendered with real instrument samples: Bach chorales with known key and mode.

The chorales ship in the PyPI package `music21` (its corpus: MusicXML with a key
signature *and* a `<mode>`); the key's tonic and mode come from the score itself, not
from any analyser: the key of its final cadence, read against that signature
(chorale_key says why the stated `<mode>` alone is not the key). Each is rendered
through MIDI by Debian's `fluidsynth` with the General MIDI soundfont of
`fluid-soundfont-gm` (sampled organ, strings, choir, brass, piano...): recorded
instrument sounds, played in time. The tempo is the one written into the MIDI (the
quarter note: every chorale chosen is in 4/4 or 3/4), drawn per chorale from a seeded
range, so it is known exactly. It is the metronome's quarter note; a chorale moves in
quarters under phrase-end fermatas, so at the slow and fast ends of the range a listener
may fairly tap half or eighth notes: bench/music.py reports the quarter-note figure and,
beside it, the figure at any octave.

The truth was checked (bench seed 7, all 40 chorales). Tempo: every rendering's sound
ends 0.1-0.8 s (the instrument's release) after its written length, repeats expanded,
at the stated quarter-note tempo, so the quarter plays at exactly that tempo (fermatas
are not lengthened in the MIDI). Key: music21's own Krumhansl-Schmuckler analysis of
the score's notes agrees with chorale_key on 35 of 40; the other five end on a modal
(half-cadence-like) final: bwv161.6 and bwv305 are Phrygian on E (the notes say A
minor), bwv77.6 ends on D, bwv18.5-lz on A, bwv268 on G, where the notes weigh G minor,
D minor and E minor. chorale_key keeps the final, as the final names a mode; a listener
might name the other key, so misses on those five are less certain than the rest.

Used by bench/music.py as the corpus of real recordings; nothing here knows how
assistant.enrich.music works.
"""

from __future__ import annotations

import shutil
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.errors import AssistantError

SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
RATE = 22_050
# General MIDI programs (0-based) by the name printed in the bench: one per rendering,
# all voices on it, as a chorale is played on one organ stop or by one ensemble.
PROGRAMS = {
    "church organ": 19,
    "strings": 48,
    "choir aahs": 52,
    "brass": 61,
    "piano": 0,
    "flute": 73,
    "reed organ": 20,
    "clarinet": 71,
}
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
INSTALL_HINT = (
    "Rendering scores needs `pip install music21` and "
    "`apt-get install fluidsynth fluid-soundfont-gm` (scripts/setup.sh does both)."
)


@dataclass(frozen=True)
class ScoreTrack:
    name: str  # the corpus path, e.g. "bach/bwv26.6"
    bpm: float
    tonic: str  # the key of the final cadence (chorale_key)
    mode: str
    program: str
    meter: str
    # The stated key, when the chorale opens in it and closes in another (chorale_key).
    opening: str | None = None

    @property
    def key(self) -> str:
        return f"{self.tonic} {self.mode}"

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys a listener may rightly name: the closing key, and the opening one."""
        return (self.key,) if self.opening is None else (self.key, self.opening)


def available() -> bool:
    try:
        import music21  # noqa: F401
    except ImportError:
        return False
    return SOUNDFONT.is_file() and shutil.which("fluidsynth") is not None


def chorale_names() -> list[str]:
    """The corpus's Bach chorale paths, sorted: a stable order to draw from."""
    from music21 import corpus

    paths = corpus.getComposer("bach", fileExtensions=("mxl",))
    return sorted(f"bach/{Path(p).stem}" for p in paths if Path(p).stem.startswith("bwv"))


def _score_key(score: object) -> tuple[str, str] | None:
    """(tonic, mode) from the first key signature's `<mode>`, or None when the score
    states no major/minor mode."""
    from music21 import key

    signatures = list(score.recurse().getElementsByClass(key.KeySignature))  # type: ignore[attr-defined]
    if not signatures:
        return None
    first = signatures[0]
    mode = getattr(first, "mode", None)
    if mode not in ("major", "minor"):
        return None
    tonic = first.asKey(mode).tonic.pitchClass
    return PITCH_CLASSES[tonic], str(mode)


def _fifths_apart(a: int, b: int) -> int:
    """Distance of two key signatures (in sharps, flats negative) round the circle of fifths."""
    return abs((a - b + 6) % 12 - 6)


def _bass_notes(score: object) -> list[object]:
    return list(score.parts[-1].flatten().notes)  # type: ignore[attr-defined]


def chorale_key(score: object) -> tuple[str, str, str | None] | None:
    """(tonic, mode, opening key or None): which key the chorale is in.

    The encoder's `<mode>` on the first key signature is not enough on its own, for two
    musical reasons. Chorale melodies are often modal, and Bach kept their old
    signatures: bwv296 is written with no sharps ("C major") but opens and closes on G,
    a G-major (Mixolydian) piece. And a chorale may open in one key and close in its
    relative (bwv244.40: stated F# minor, final cadence on A major). A chorale is in the
    key of its final cadence, as the final defines a mode: the tonic is the last bass
    note (every chorale ends on its tonic chord), and the mode is whichever of that
    tonic's major and minor signatures is nearer the written one (a Dorian or Mixolydian
    signature is one accidental off; a Picardy third on the last chord stays minor, as
    the signature says); on a tie, the stated mode. The stated key is kept as the
    opening key when the first bass note is its tonic and it differs from the closing
    one: such a piece is in both."""
    from music21 import key

    stated = _score_key(score)
    bass = _bass_notes(score)
    if stated is None or not bass:
        return None
    signature = next(iter(score.recurse().getElementsByClass(key.KeySignature))).sharps  # type: ignore[attr-defined]
    final = bass[-1].pitches[0].name  # type: ignore[attr-defined]
    distance = {
        mode: _fifths_apart(key.Key(final, mode).sharps, signature) for mode in ("major", "minor")
    }
    mode = min(distance, key=lambda m: (distance[m], m != stated[1]))
    tonic = PITCH_CLASSES[key.Key(final, mode).tonic.pitchClass]
    first = PITCH_CLASSES[bass[0].pitches[0].pitchClass]  # type: ignore[attr-defined]
    opens_stated = first == stated[0] and (tonic, mode) != stated
    return tonic, mode, f"{stated[0]} {stated[1]}" if opens_stated else None


def _meter(score: object) -> str | None:
    from music21 import meter

    found = list(score.recurse().getElementsByClass(meter.TimeSignature))  # type: ignore[attr-defined]
    return found[0].ratioString if found else None


def draw_tracks(seed: int, count: int, skip: int = 0) -> list[tuple[ScoreTrack, object]]:
    """`count` chorales in quarter-note meters with a stated mode, from position `skip`
    of a seeded shuffle (disjoint sets: different `skip`, same seed), each with a tempo
    spread over 60-180 BPM and an instrument. Returns (track, parsed score) pairs."""
    from music21 import corpus

    if not available():
        raise AssistantError("The chorale corpus cannot be rendered here.", hint=INSTALL_HINT)
    rng = np.random.default_rng(seed)
    names = chorale_names()
    order = [names[i] for i in rng.permutation(len(names))]
    picked: list[tuple[ScoreTrack, object]] = []
    usable = 0
    edges = np.linspace(60.0, 180.0, count + 1)
    for name in order:
        if len(picked) == count:
            break
        score = corpus.parse(name)
        found, meter = chorale_key(score), _meter(score)
        if found is None or meter not in ("4/4", "3/4"):
            continue
        usable += 1
        if usable <= skip:
            continue
        i = len(picked)
        local = np.random.default_rng(zlib.crc32(f"{seed}:{name}".encode()))
        bpm = float(round(local.uniform(edges[i], edges[i + 1]), 1))
        program = list(PROGRAMS)[int(local.integers(len(PROGRAMS)))]
        track = ScoreTrack(name, bpm, found[0], found[1], program, str(meter), found[2])
        picked.append((track, score))
    return picked


def write_track(track: ScoreTrack, score: object, folder: Path) -> Path:
    """Render the chorale to WAV at the track's tempo on its instrument."""
    from music21 import instrument, tempo

    folder.mkdir(parents=True, exist_ok=True)
    stem = track.name.replace("/", "_")
    midi, wav = folder / f"{stem}.mid", folder / f"{stem}.wav"
    played = score.__deepcopy__()  # type: ignore[attr-defined]
    for mark in list(played.recurse().getElementsByClass(tempo.MetronomeMark)):
        mark.activeSite.remove(mark)
    for part in played.parts:
        for old in list(part.recurse().getElementsByClass(instrument.Instrument)):
            old.activeSite.remove(old)
        chosen = instrument.Instrument()
        chosen.midiProgram = PROGRAMS[track.program]
        part.insert(0, chosen)
    played.parts[0].insert(0, tempo.MetronomeMark(number=track.bpm, referent="quarter"))
    played.write("midi", fp=str(midi))
    subprocess.run(
        [
            "fluidsynth",
            "-ni",
            "-q",
            "-g",
            "0.6",
            "-r",
            str(RATE),
            "-F",
            str(wav),
            str(SOUNDFONT),
            str(midi),
        ],
        check=True,
        capture_output=True,
    )
    midi.unlink()
    return wav
