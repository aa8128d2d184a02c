"""Real scores rendered with real instrument samples: Bach chorales with known key and mode.

The chorales ship in the PyPI package `music21` (its corpus: MusicXML with a key
signature *and* a `<mode>`, so the key's tonic and mode come from the score itself, not
from any analyser). Each is rendered through MIDI by Debian's `fluidsynth` with the
General MIDI soundfont of `fluid-soundfont-gm` (sampled organ, strings, choir, brass,
piano...): recorded instrument sounds, played in time. The tempo is the one written
into the MIDI (the quarter note: every chorale chosen is in 4/4 or 3/4), drawn per
chorale from a seeded range, so it is known exactly.

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
    tonic: str
    mode: str
    program: str
    meter: str

    @property
    def key(self) -> str:
        return f"{self.tonic} {self.mode}"


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
        found, meter = _score_key(score), _meter(score)
        if found is None or meter not in ("4/4", "3/4"):
            continue
        usable += 1
        if usable <= skip:
            continue
        i = len(picked)
        local = np.random.default_rng(zlib.crc32(f"{seed}:{name}".encode()))
        bpm = float(round(local.uniform(edges[i], edges[i + 1]), 1))
        program = list(PROGRAMS)[int(local.integers(len(PROGRAMS)))]
        picked.append((ScoreTrack(name, bpm, found[0], found[1], program, str(meter)), score))
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
