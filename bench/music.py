"""Music attribute accuracy on synthesised tracks of known tempo, key and mode; print JSON.

    .venv/bin/python bench/music.py [--seconds 12] [--noise-db -26] [--work DIR]

Each track (assistant.media.samples.synth_music) is decoded to 16 kHz mono and analysed
by assistant.enrich.music.music_metadata: clean, and again with white noise added and a
64 kb/s MP3 round trip (as a poor radio recording would be). Targets: tempo within ±2 BPM or a clean
double/half, the right mode on every track (and the right key).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import librosa
import numpy as np
import soundfile

from assistant.enrich.music import music_metadata
from assistant.media.samples import synth_music

TRACKS = [(60, "E", "minor"), (66, "C", "major"), (72, "A", "minor"), (84, "B", "minor"),
          (90, "D", "minor"), (96, "F#", "major"), (100, "E", "minor"), (110, "C", "minor"),
          (120, "C", "major"), (128, "G", "major"), (140, "F", "major"), (150, "D", "major"),
          (165, "Bb", "minor"), (176, "A", "major")]


def tempo_ok(measured: float, true: float) -> str:
    if abs(measured - true) <= 2:
        return "exact"
    for factor, name in ((2.0, "double"), (0.5, "half")):
        if abs(measured - true * factor) <= 2 * factor:
            return name
    return "wrong"


def degrade(path: Path, noise_db: float) -> Path:
    samples, rate = librosa.load(str(path), sr=None)
    noise = np.random.default_rng(0).normal(0, 10 ** (noise_db / 20), samples.size)
    noisy = path.with_suffix(".noisy.wav")
    soundfile.write(str(noisy), (samples + noise).astype(np.float32), rate)
    mp3 = path.with_suffix(".mp3")
    subprocess.run(["ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-i", str(noisy),
                    "-b:a", "64k", str(mp3)], check=True)
    return mp3


def run(seconds: float, work: Path, noise_db: float | None) -> dict:
    rows: list[dict[str, Any]] = []
    for bpm, tonic, mode in TRACKS:
        path = synth_music(work / f"{bpm}_{tonic}_{mode}.wav", bpm=bpm, key=tonic, mode=mode,
                           seconds=seconds)
        if noise_db is not None:
            path = degrade(path, noise_db)
        samples, _ = librosa.load(str(path), sr=16_000)
        started = time.perf_counter()
        values = {v.field: v.value for v in music_metadata(samples)}
        rows.append({
            "bpm": bpm, "key": f"{tonic} {mode}", "tempo": values["tempo"],
            "tempo_result": tempo_ok(float(values["tempo"]), bpm),  # type: ignore[arg-type]
            "key_found": values["key"], "mode_ok": values["mode"] == mode,
            "key_ok": str(values["key"]).split()[0] in _spellings(tonic),
            "seconds": round(time.perf_counter() - started, 2),
        })
    return {
        "tracks": len(rows), "track_seconds": seconds, "noise_db": noise_db,
        "tempo_exact": sum(r["tempo_result"] == "exact" for r in rows),
        "tempo_octave": sum(r["tempo_result"] in ("double", "half") for r in rows),
        "tempo_wrong": sum(r["tempo_result"] == "wrong" for r in rows),
        "mode_right": sum(r["mode_ok"] for r in rows),
        "key_right": sum(r["key_ok"] for r in rows),
        "analysis_seconds_median": sorted(r["seconds"] for r in rows)[len(rows) // 2],
        "rows": rows,
    }


def _spellings(tonic: str) -> set[str]:
    flats = {"Bb": "A#", "Eb": "D#", "Ab": "G#", "Db": "C#", "Gb": "F#"}
    return {tonic, flats.get(tonic, tonic)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--noise-db", type=float, default=-26.0)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        figures = {"clean": run(args.seconds, work, None),
                   "noisy_mp3": run(args.seconds, work, args.noise_db)}
        print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
