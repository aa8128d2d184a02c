"""Speaker turns and voice by example on the interviews suite, and diarization cost on a
long interview; print JSON.

    .venv/bin/python bench/voices.py [--suite eval/suites/interviews] [--minutes 8]

Suite: its archive (scripts/make_interview_suite.py builds it when missing) is ingested
with the real voice encoder, Whisper and text encoder; DER is the eval report's
(evaluation/speakers.py, against speakers.jsonl) and recall@5 is voice by example
(evaluation/voices.py) with one clip per voice saying words no interview holds.

Long interview (samples.media.long_interview: three voices taking turns for `--minutes`)
is diarized with the default settings, so it spans several clustering chunks: cost per
media minute (wall and CPU seconds), DER against its gold turns, and the clustering
step's seconds against clustering all windows at once (the quadratic way).

Targets (issue #15): DER <= 0.15, recall@5 >= 0.9, diarization <= 0.1x real time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the repo: samples/ is not installed

from samples import media as samples  # noqa: E402


def _suite(suite: Path, work: Path) -> dict[str, Any]:
    from assistant.archive import Archive
    from assistant.config import load_settings
    from assistant.evaluation.speakers import read_gold_turns, speaker_report
    from assistant.evaluation.voices import voice_recall
    from assistant.ingest.pipeline import ingest_folder
    from assistant.models.provider import ModelProvider

    if not (suite / "archive").is_dir():
        script = REPO / "scripts" / "make_interview_suite.py"
        subprocess.run([sys.executable, str(script), "--suite", str(suite)], check=True)
    settings = load_settings("test", data_dir=work / "data")
    provider = ModelProvider(settings.models)
    archive = Archive.open(
        settings, model_overrides={"text": provider.text(), "asr": provider.asr()}
    )
    try:
        ingest_folder(archive, suite / "archive")
        report = speaker_report(suite, archive) or {}
        recall = voice_recall(
            archive,
            read_gold_turns(suite),
            samples.voice_examples(work / "examples"),
            provider.speaker(),
            k=5,
        )
    finally:
        archive.close()
    return {"der": report.get("der"), "der_files": report.get("files"), "voice_by_example": recall}


def _long(minutes: float, work: Path) -> dict[str, Any]:
    from assistant.diarization.speaker_clusters import cluster, cluster_bounded
    from assistant.diarization.speakers import DiarizeOptions, diarize, speech_windows
    from assistant.diarization.vad import speech_regions
    from assistant.evaluation.speakers import diarization_error
    from assistant.media.decode import decode_media
    from assistant.models.base import l2_normalise
    from assistant.models.speaker import ResemblyzerEncoder

    path, lines = samples.long_interview(minutes, work / "long.wav")
    audio = decode_media(path, None).audio_16k
    assert audio is not None
    media_min = len(audio) / 16_000 / 60
    encoder = ResemblyzerEncoder()
    encoder.load()
    wall, cpu = time.perf_counter(), time.process_time()
    found = diarize(audio, encoder)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    gold = [(line.start_s, line.end_s, line.speaker) for line in lines]
    der = diarization_error(gold, [(t.start_s, t.end_s, t.speaker) for t in found.turns])
    # The clustering step alone, chunked and all at once, on the same window embeddings.
    opts = DiarizeOptions()
    windows = speech_windows(speech_regions(audio, opts.vad), encoder.window_s, opts.hop_s)
    vectors = l2_normalise(encoder.embed(audio, [(a, b) for a, b, _ in windows]))
    started = time.perf_counter()
    cluster_bounded(vectors, opts.threshold, opts.chunk_windows)
    chunked_s = time.perf_counter() - started
    started = time.perf_counter()
    cluster(vectors, opts.threshold)
    whole_s = time.perf_counter() - started
    return {
        "media_minutes": round(media_min, 2),
        "windows": len(windows),
        "chunk_windows": opts.chunk_windows,
        "speakers_found": len(found.speakers),
        "speakers_gold": len({line.speaker for line in lines}),
        "der": round(der, 4),
        "wall_s_per_media_min": round(wall / media_min, 2),
        "cpu_s_per_media_min": round(cpu / media_min, 2),
        "real_time_factor": round(wall / (media_min * 60), 4),
        "clustering_s": {"chunked": round(chunked_s, 3), "all_at_once": round(whole_s, 3)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", type=Path, default=REPO / "eval" / "suites" / "interviews")
    parser.add_argument("--minutes", type=float, default=8.0)
    parser.add_argument("--skip-suite", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        out: dict[str, Any] = {"loadavg": os.getloadavg()}
        if not args.skip_suite:
            out["suite"] = _suite(args.suite, work)
        out["long_interview"] = _long(args.minutes, work)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
