"""Music attribute accuracy and cost on a varied synthetic corpus and on real scores
rendered with sampled instruments; print JSON.

    .venv/bin/python bench/music.py [--count 40] [--seconds 20] [--held-out] [--new]
                                    [--only-new] [--work DIR]

Synthetic tracks come from samples.music_corpus (60-180 BPM, major and harmonic minor,
six timbres, four accompaniments, five bass lines, drums or none, melody, reverb, noise,
MP3). The metrical-level weights (assistant/enrich/metrical.py) were fitted on seeds
TUNED_SEEDS; TUNED_SEED is scored by default. With --held-out: HELD_OUT_SEED and
FRESH_SEED, never fitted on but looked at (see their comments), and UNSEEN_SEED (never
looked at until the noise-floor refit; its misses were studied in session 17). The fixed
tracks of samples.media.synth_music are scored too.

Real recordings: Bach chorales from music21's corpus rendered by fluidsynth with the
FluidR3 General MIDI soundfont (samples/score_corpus.py; key and mode from the score: the
key of the final cadence against the key signature, the stated opening key also right
when the chorale opens in it: samples.score_corpus.chorale_key; tempo the quarter note
written into the MIDI, reported also at any octave, as chorales have no drum to say
which level is the beat). CHORALES_TUNED (12) were looked at while tuning (and, since the
beat-harmony refit, fitted on, with more chorales of another draw: bench/fit_metrical.py);
CHORALES_HELD_OUT (28 others) only with --held-out, reported in two parts: the 16 that
were looked at while tuning that refit, and CHORALES_UNSEEN (12, named in
bench/music_sets.json), not looked at while tuning it (looked at since).
Skipped with a note when music21/fluidsynth/the soundfont are missing.

--held-out also scores session 16's sets (seed SESSION16_SEED and CHORALES_S16: never
looked at until scored once at its end, looked at since). --new (or --only-new) scores
the sets of session 17, fixed and committed before they were scored, and scored once,
with its final code: seed NEW_SEED and CHORALES_NEW (named in music_sets.json). Every
other set has now been looked at; only NEW_SEED's and CHORALES_NEW's figures below are
honest ones.

Figures (session 17, issue 13), tempo within 4 % / key and mode right, before -> after
its changes (none changed a choice: ratio_candidates/_pulse are a refactor, and no
octave rule it tried survived leaving a looked-at set out: assistant/enrich/metrical.py's
docstring lists them):
  tuned seed 1            40/40 / 40/40 -> same      fixed tracks    13/13 / 13/13 -> same
  seed 7 (held_out)       40/40 / 40/40 -> same      seed 11         40/40 / 40/40 -> same
  seed 13 (unseen_seed)   37/40 / 40/40 -> same (s13_07 x2, s13_29 and s13_33 x1/2)
  seed 17 (session16)     38/40 / 40/40 -> same (s17_00 x2, s17_37 x1/2)
  chorales tuned          10/12 / 12/12 -> same (bwv42.7 x2, bwv296 no right candidate)
  chorales held out, looked at 16/16 / 13/16; CHORALES_UNSEEN 12/12 / 10/12 -> same
  CHORALES_S16            13/14 / 11/14 -> same (bwv433 x1/2)
  every tempo miss above but bwv296 is right at another octave.
The fresh split, scored once (final code 5542d18, load average 4.9 of 2 cores):
  seed 23: tempo 40/40 (any octave 40/40), key 39/40 (s23_38 F# major read C# major)
  CHORALES_NEW: tempo 14/16 (bwv180.7 and bwv257 at x1/2; any octave 16/16), key 14/16
    (bwv176.6 C minor read D# major, bwv257 A minor read C major: relative keys)
  together: tempo 54/56 = 96.4 %, any octave 100 %, key and mode 53/56 = 94.6 %;
    cost at most 0.0064x real time wall (0.0067x CPU), mean 0.003x.
Wall-time cost grows with load: seed 17's slowest track read 0.109x under load 5 (the
session's first run), 0.044x in the last; cpu_rtf stays at or under 0.0093x on every set.

Targets: tempo within 4 % on >= 95 % of tracks, key and mode right on >= 90 %, analysis
cost <= 0.05x real time (seconds of analysis per second of music, after one warm-up).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import librosa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo: samples/ is not installed

from assistant.enrich.music import music_metadata
from samples.media import synth_music
from samples.music_corpus import PITCH_CLASSES, TrackSpec, draw_specs, write_track

TUNED_SEEDS = (1, 2026, 3, 4, 5, 6)
TUNED_SEED = TUNED_SEEDS[0]  # scored by default: one of the fitted seeds
HELD_OUT_SEED = 7
# A second held-out seed, first scored after the bar-change refit (seed 7 had been scored
# with earlier versions, so it is no longer quite unseen; its three misses were studied
# for the noise floor of assistant/enrich/metrical.py, and seed 11 scored with it).
FRESH_SEED = 11
# Never looked at while tuning: first scored, once, after the noise-floor refit.
UNSEEN_SEED = 13
CHORALE_SEED = 7
# The chorale sets and fixed tracks below are read from music_sets.json beside this file.
_SETS = json.loads(Path(__file__).with_name("music_sets.json").read_text(encoding="utf-8"))
CHORALES_TUNED, CHORALES_HELD_OUT = 12, 28
# The last 12 of the 28 held-out chorales: split off before the beat-harmony refit and
# never looked at while tuning it (nor fitted on: bench/fit_metrical.py leaves out all 28).
CHORALES_UNSEEN: tuple[str, ...] = tuple(_SETS["chorales_unseen"])
# Session 16's never-looked-at sets, fixed before any change of that session and scored
# once, at its end: synthetic seed SESSION16_SEED (never drawn before), and CHORALES_S16:
# the next chorales of seed CHORALE_SEED's draw after its 40
# (draw_tracks(CHORALE_SEED, S16_CHORALE_DRAW, 40): tempos spread over 60-180 BPM in
# S16_CHORALE_DRAW steps), less any of bench/fit_metrical.py's training draw (bwv24.6 and
# bwv227.7 were in it): 14 chorales. Scored once each way at the end of session 16,
# before and after 7ec3f0f (harmonic_seed): seed 17 tempo 38/40 -> 38/40 (s17_00 x2,
# s17_37 x1/2), CHORALES_S16 12/14 -> 13/14 (bwv298 fixed; bwv433 x1/2 left), key 40/40
# and 11/14 both. Their misses have since been seen: these sets are looked at (scored
# with --held-out) from session 17 on.
SESSION16_SEED = 17
S16_CHORALE_DRAW = 16
CHORALES_S16: tuple[str, ...] = tuple(_SETS["chorales_s16"])
# Session 17's never-looked-at sets (issue 13), fixed and committed before they were
# scored, and scored only with --new (once, with the session's final code; no change
# after): synthetic seed NEW_SEED (never drawn before: no bench, fit or test draws it),
# 40 tracks, and CHORALES_NEW: the next chorales of seed CHORALE_SEED's draw after
# CHORALES_S16's (draw_tracks(CHORALE_SEED, NEW_CHORALE_DRAW, NEW_CHORALE_SKIP): after the
# 40 tuned and held-out and the 16 of session 16's draw; tempos spread over 60-180 BPM in
# 16 steps), less any of bench/fit_metrical.py's training draw (none was in it): 16
# chorales. Only their names, tempos and instruments were read before scoring.
NEW_SEED = 23
NEW_CHORALE_DRAW, NEW_CHORALE_SKIP = 16, 56
CHORALES_NEW: tuple[str, ...] = tuple(_SETS["chorales_new"])
FLATS = {"Bb": "A#", "Eb": "D#", "Ab": "G#", "Db": "C#", "Gb": "F#"}
# (bpm, tonic, mode) of the fixed tracks tests and the sample archive use.
LEGACY: list[tuple[int, str, str]] = [(bpm, tonic, mode) for bpm, tonic, mode in _SETS["legacy"]]


def _same_key(found: str, tonic: str, mode: str) -> bool:
    name, _, found_mode = found.partition(" ")
    return found_mode == mode and FLATS.get(name, name) == FLATS.get(tonic, tonic)


def _score(
    path: Path, bpm: float, tonic: str, mode: str, seconds: float, also: tuple[str, ...] = ()
) -> dict[str, Any]:
    """One track's figures; `also`: other keys ("A major") that count as right."""
    samples, _ = librosa.load(str(path), sr=16_000)
    seconds = samples.size / 16_000
    started, cpu_started = time.perf_counter(), time.process_time()
    values = {v.field: v for v in music_metadata(samples)}
    cost, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    tempo = float(values["tempo"].value)  # type: ignore[arg-type]
    error = abs(tempo - bpm) / bpm
    keys = [(tonic, mode), *(tuple(k.split(" ")) for k in also)]
    found = str(values["key"].value)
    return {
        "file": path.name,
        "bpm": bpm,
        "key": " or ".join(f"{t} {m}" for t, m in keys),
        "tempo": tempo,
        "tempo_ok": error <= 0.04,
        "tempo_error": (
            "ok"
            if error <= 0.04
            else "half"
            if abs(tempo * 2 - bpm) / bpm <= 0.04
            else "double"
            if abs(tempo / 2 - bpm) / bpm <= 0.04
            else "other"
        ),
        "tempo_confidence": values["tempo"].confidence,
        "key_found": values["key"].value,
        "key_confidence": values["key"].confidence,
        "key_ok": any(_same_key(found, t, m) for t, m in keys),
        "mode_ok": any(values["mode"].value == m for _, m in keys),
        "rtf": round(cost / seconds, 4),
        # CPU seconds per second of music: wall time (rtf) grows with whatever else the
        # machine runs; this does not (all threads' CPU, so not below rtf on an idle one).
        "cpu_rtf": round(cpu / seconds, 4),
    }


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    rtfs = sorted(r["rtf"] for r in rows)
    return {
        "tracks": n,
        "tempo_within_4pct": round(sum(r["tempo_ok"] for r in rows) / n, 3),
        "tempo_within_4pct_any_octave": round(
            sum(r["tempo_error"] != "other" for r in rows) / n, 3
        ),
        "key_and_mode_right": round(sum(r["key_ok"] for r in rows) / n, 3),
        "mode_right": round(sum(r["mode_ok"] for r in rows) / n, 3),
        "rtf_mean": round(sum(rtfs) / n, 4),
        "rtf_median": rtfs[n // 2],
        "rtf_max": rtfs[-1],
        "cpu_rtf_max": max(r["cpu_rtf"] for r in rows),
        "slowest": max(rows, key=lambda r: r["rtf"])["file"],
        "misses": [r for r in rows if not (r["tempo_ok"] and r["key_ok"])],
    }


def corpus(seed: int, count: int, seconds: float, work: Path) -> dict[str, Any]:
    rows = []
    for spec in draw_specs(seed, count, seconds):
        path = write_track(spec, work / f"seed{seed}")
        row = _score(path, spec.bpm, spec.tonic, spec.mode, seconds)
        rows.append({**row, "spec": _brief(spec)})
    return _summary(rows)


def chorales(
    count: int,
    skip: int,
    work: Path,
    unseen: bool | None = None,
    only: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """The chorales drawn `count` from `skip`; with `unseen` True or False only those
    in (or not in) CHORALES_UNSEEN; with `only`, only those named."""
    from samples import score_corpus

    if not score_corpus.available():
        return {"skipped": score_corpus.INSTALL_HINT}
    rows = []
    for track, score in score_corpus.draw_tracks(CHORALE_SEED, count, skip):
        if unseen is not None and (track.name in CHORALES_UNSEEN) != unseen:
            continue
        if only is not None and track.name not in only:
            continue
        path = score_corpus.write_track(track, score, work / "chorales")
        row = _score(path, track.bpm, track.tonic, track.mode, 0.0, track.keys[1:])
        rows.append({**row, "spec": f"{track.name}/{track.program}/{track.meter}"})
    return _summary(rows)


def legacy(seconds: float, work: Path) -> dict[str, Any]:
    rows = []
    for bpm, tonic, mode in LEGACY:
        path = synth_music(
            work / f"legacy_{bpm}_{tonic}_{mode}.wav",
            bpm=bpm,
            key=tonic,
            mode=mode,
            seconds=seconds,
        )
        rows.append(_score(path, bpm, tonic, mode, seconds))
    return _summary(rows)


def _brief(spec: TrackSpec) -> str:
    return (
        f"{spec.timbre}/{spec.comp}/{spec.bass}/{spec.drums}"
        f"{'/melody' if spec.melody else ''}{'/reverb' if spec.reverb_s else ''}"
        f"{'/noise' if spec.noise_db is not None else ''}{'/mp3' if spec.mp3 else ''}"
    )


def warm_up(work: Path) -> None:
    """One analysis before timing: imports and numba compilation are a per-process cost."""
    path = synth_music(work / "warm.wav", bpm=100, key=PITCH_CLASSES[0], mode="major", seconds=6.0)
    music_metadata(librosa.load(str(path), sr=16_000)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=40, help="tracks per seed")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--held-out",
        action="store_true",
        help="also score the held-out seed (do this once, at the end)",
    )
    parser.add_argument(
        "--new",
        action="store_true",
        help="also score the never-looked-at sets (NEW_SEED, CHORALES_NEW): once, at the end",
    )
    parser.add_argument(
        "--only-new", action="store_true", help="score only the never-looked-at sets"
    )
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        warm_up(work)
        figures: dict[str, Any] = {"load_average": os.getloadavg()}
        if args.new or args.only_new:
            figures["new_seed"] = corpus(NEW_SEED, args.count, args.seconds, work)
            figures["chorales_new"] = chorales(
                NEW_CHORALE_DRAW, NEW_CHORALE_SKIP, work, only=CHORALES_NEW
            )
        if args.only_new:
            print(json.dumps(figures, indent=2, default=str))
            return
        figures["tuned"] = corpus(TUNED_SEED, args.count, args.seconds, work)
        figures["legacy_synth_music"] = legacy(args.seconds, work)
        figures["chorales_tuned"] = chorales(CHORALES_TUNED, 0, work)
        if args.held_out:
            figures["held_out"] = corpus(HELD_OUT_SEED, args.count, args.seconds, work)
            figures["fresh_seed"] = corpus(FRESH_SEED, args.count, args.seconds, work)
            figures["unseen_seed"] = corpus(UNSEEN_SEED, args.count, args.seconds, work)
            figures["chorales_held_out_looked_at"] = chorales(
                CHORALES_HELD_OUT, CHORALES_TUNED, work, unseen=False
            )
            figures["chorales_unseen"] = chorales(
                CHORALES_HELD_OUT, CHORALES_TUNED, work, unseen=True
            )
            figures["session16_seed"] = corpus(SESSION16_SEED, args.count, args.seconds, work)
            figures["chorales_session16"] = chorales(
                S16_CHORALE_DRAW, CHORALES_TUNED + CHORALES_HELD_OUT, work, only=CHORALES_S16
            )
        print(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
