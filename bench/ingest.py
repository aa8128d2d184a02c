"""Ingest throughput on this machine, with the real packaged text and speech models and a
CLIP ViT-B/32-sized model with random weights (the compute of the real one; no quality).

    .venv/bin/python bench/ingest.py [--images 30] [--video-s 60] [--audio-s 60]
        [--workers N] [--compare]

Prints JSON: images per second, video seconds per wall second, audio real-time factor
(wall / audio seconds, lower is faster), peak RSS. Targets: video >= 4x real time,
images >= 5/s, peak RSS <= 4 GB. Models are loaded and warmed up before timing: a small
warm-up ingest into the same archive also starts the worker processes and loads their
models. `--compare` runs everything in-process (ingest.workers 0) and with workers, and
reports the isolation overhead (target <= 10 %).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PIL import Image

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo: samples/ is not installed

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.ingest.pipeline import ingest_folder
from assistant.models.clip import OpenClipEncoder
from assistant.models.provider import ModelProvider
from samples import media as samples

PHOTOS = [*samples.BENCH_PHOTOS, "home.jpg", "building.jpg"]
NEWS = [
    "The city council approved a new budget for public transport on Monday.",
    "Heavy flooding closed the river road near the old stone bridge.",
    "Farmers protested against the new water tax in the capital.",
    "The national football team won the final match on Sunday.",
    "A wildfire near the northern forest forced hundreds of families to leave.",
    "The health minister announced funding for three new hospitals.",
]


def random_clip(folder: Path) -> OpenClipEncoder:
    import open_clip
    import torch

    torch.manual_seed(0)
    model = open_clip.create_model("ViT-B-32", pretrained=None, device="cpu")
    checkpoint = folder / "vit-b-32-random.pt"
    torch.save(model.state_dict(), checkpoint)
    del model
    return OpenClipEncoder(
        "ViT-B-32", checkpoint, threads=os.cpu_count() or 2, name="ViT-B-32 random weights (bench)"
    )


def make_photos(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    sources = [p for p in (_maybe(name) for name in PHOTOS) if p is not None]
    for i in range(count):
        with Image.open(sources[i % len(sources)]) as image:
            # Different sizes so every file has distinct bytes, as real photos do.
            scale = 1.0 - 0.02 * (i // len(sources))
            image.convert("RGB").resize(
                (max(64, int(image.width * scale)), max(64, int(image.height * scale)))
            ).save(folder / f"photo_{i:03d}.jpg", quality=90)


def _maybe(name: str) -> Path | None:
    try:
        return samples.debian_photo(name)
    except FileNotFoundError:
        return None


def lines_for(seconds: float) -> list[tuple[float, str]]:
    return [(1.0 + 6.0 * i, NEWS[i % len(NEWS)]) for i in range(int((seconds - 2) // 6))]


def make_video(folder: Path, seconds: float) -> None:
    folder.mkdir(parents=True)
    samples.video_with_speech(
        samples.debian_video("vtest.avi"),
        lines_for(seconds),
        folder / "street.mp4",
        duration_s=seconds,
        width=640,
        height=480,
    )


def make_audio(folder: Path, seconds: float) -> None:
    folder.mkdir(parents=True)
    samples.audio_with_speech(lines_for(seconds), folder / "radio.mp3", duration_s=seconds)


def open_archive(base: Path, workers: int, models: dict[str, Any]) -> Archive:
    """One archive per mode; the warm-up ingest starts (and keeps) its workers."""
    settings = load_settings("default", data_dir=base / f"data-workers-{workers}")
    settings.ingest.workers = workers
    archive = Archive.open(settings, model_overrides=models)
    ingest_folder(archive, base / "warm-up")
    return archive


def make_warm_up(folder: Path) -> None:
    folder.mkdir(parents=True)
    with Image.open(samples.debian_photo("fruits.jpg")) as image:
        image.convert("RGB").resize((200, 150)).save(folder / "warm.jpg")
    samples.audio_with_speech([(0.5, "Warming up.")], folder / "warm.mp3", duration_s=3.0)
    # A short video too: keyframe OCR, labels and faces on keyframes and the soundtrack's
    # speaker turns load their models here, once, as in a long real ingest.
    samples.video_with_speech(
        samples.debian_video("vtest.avi"),
        [(0.5, "Warming up.")],
        folder / "warm.mp4",
        duration_s=3.0,
        width=320,
        height=240,
    )


def timed_ingest(archive: Archive, root: Path) -> dict[str, Any]:
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    report = ingest_folder(archive, root)
    wall, cpu = time.perf_counter() - start, _cpu_seconds() - cpu_start
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "media_s": report.media_seconds,
        "indexed": report.counts_by_status.get("indexed", 0),
        "stages": report.seconds_by_stage,
    }


def _descendants() -> list[Path]:
    """/proc entries of this process's descendants (the fork server and ingest workers)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = [], [os.getpid()]
    while frontier:
        kids = [p for p, pp in parents.items() if pp == frontier[-1]]
        frontier.pop()
        found += kids
        frontier += kids
    return [Path(f"/proc/{pid}") for pid in found]


def _cpu_seconds() -> float:
    """This process, its finished children and its live ones (the worker processes)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    ticks = os.sysconf("SC_CLK_TCK")
    for proc in _descendants():
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _workers_peak_rss_mb() -> float:
    peak = 0.0
    for proc in _descendants():
        try:
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return round(peak, 1)


def _load_average() -> float:
    return round(os.getloadavg()[0], 2)


def warm_up(models: dict[str, Any], folder: Path) -> None:
    import numpy as np

    models["clip"].encode_images([Image.new("RGB", (224, 224))])
    models["text"].encode_passages(["warm up"])
    models["asr"].transcribe(np.zeros(16000, np.float32) + 1e-3)


def _per_cpu(work: float, cpu_s: float) -> float:
    """Work per second if this process had every core to itself."""
    return round(work / max(cpu_s / (os.cpu_count() or 1), 1e-9), 2)


def bench_mode(base: Path, workers: int, models: dict[str, Any]) -> dict[str, Any]:
    archive = open_archive(base, workers, models)
    load_before = _load_average()
    try:
        photos = timed_ingest(archive, base / "photos")
        video = timed_ingest(archive, base / "video")
        audio = timed_ingest(archive, base / "audio")
        worker_peak = _workers_peak_rss_mb()
    finally:
        archive.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        # A load average well above the core count means other processes shared the
        # CPUs: wall-clock figures are then lower bounds. The *_cpu_bound figures divide
        # the work by this process's CPU seconds (workers included) over all cores.
        "load_average_1m": {"before": load_before, "after": _load_average()},
        "models": {
            "clip": "ViT-B-32 (random weights)",
            "text": models["text"].name,
            "asr": models["asr"].name,
        },
        "images_per_s": round(photos["indexed"] / photos["wall_s"], 2),
        "video_s_per_wall_s": round(video["media_s"] / video["wall_s"], 2),
        "audio_rtf": round(audio["wall_s"] / audio["media_s"], 3),
        "peak_rss_mb_parent": round(peak_mb, 1),
        "peak_rss_mb_largest_worker": worker_peak,
        "images_per_s_cpu_bound": _per_cpu(photos["indexed"], photos["cpu_s"]),
        "video_s_per_wall_s_cpu_bound": _per_cpu(video["media_s"], video["cpu_s"]),
        "targets": {"images_per_s": ">= 5", "video_s_per_wall_s": ">= 4", "peak_rss_mb": "<= 4096"},
        "runs": {"photos": photos, "video": video, "audio": audio},
    }


def overhead(result: dict[str, Any], modes: list[int]) -> dict[str, float]:
    """Wall-time cost of isolation per kind and in all, in percent of the in-process run."""
    inline, isolated = (result[f"workers={m}"]["runs"] for m in modes)
    out = {
        kind: round(100 * (isolated[kind]["wall_s"] / inline[kind]["wall_s"] - 1), 1)
        for kind in inline
    }
    total = [sum(runs[k]["wall_s"] for k in runs) for runs in (inline, isolated)]
    out["all"] = round(100 * (total[1] / total[0] - 1), 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=30)
    parser.add_argument("--video-s", type=float, default=60.0)
    parser.add_argument("--audio-s", type=float, default=60.0)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="ingest.workers (default: the profile's; 0 = in-process)",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="run in-process and with workers; report the overhead",
    )
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        make_photos(base / "photos", args.images)
        make_video(base / "video", args.video_s)
        make_audio(base / "audio", args.audio_s)
        make_warm_up(base / "warm-up")
        provider = ModelProvider(load_settings("default", data_dir=base / "models").models)
        models: dict[str, Any] = {
            "text": provider.text(),
            "asr": provider.asr(),
            "clip": random_clip(base),
        }
        warm_up(models, base)
        default = load_settings("default", data_dir=base / "models").ingest.workers
        modes = (
            [0, args.workers or default or 2]
            if args.compare
            else [default if args.workers is None else args.workers]
        )
        result: dict[str, Any] = {}
        for workers in modes:
            result[f"workers={workers}"] = bench_mode(base, workers, models)
        if args.compare:
            result["isolation_overhead_pct"] = overhead(result, modes)
        result["machine"] = {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "load_average_1m": _load_average(),
        }
        print(json.dumps(result, indent=2))
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
