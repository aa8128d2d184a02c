"""Ingest throughput on this machine, with the real packaged text and speech models and a
CLIP ViT-B/32-sized model with random weights (the compute of the real one; no quality).

    .venv/bin/python bench/ingest.py [--images 30] [--video-s 60] [--audio-s 60]

Prints JSON: images per second, video seconds per wall second, audio real-time factor
(wall / audio seconds, lower is faster), peak RSS. Targets: video >= 4x real time,
images >= 5/s, peak RSS <= 4 GB. Models are loaded and warmed up before timing.
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

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.ingest.pipeline import ingest_folder
from assistant.media import samples
from assistant.models.clip import OpenClipEncoder
from assistant.models.provider import ModelProvider

PHOTOS = ["messi5.jpg", "fruits.jpg", "leuvenA.jpg", "starry_night.jpg", "baboon.jpg",
          "Aqua.jpg", "Blinds.jpg", "Dune.jpg", "Garden.jpg", "GreenMeadow.jpg",
          "LadyBird.jpg", "RainDrops.jpg", "FreshFlower.jpg", "home.jpg", "building.jpg"]
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
    return OpenClipEncoder("ViT-B-32", checkpoint, threads=os.cpu_count() or 2,
                           name="ViT-B-32 random weights (bench)")


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
    samples.video_with_speech(samples.debian_video("vtest.avi"), lines_for(seconds),
                              folder / "street.mp4", duration_s=seconds, width=640, height=480)


def make_audio(folder: Path, seconds: float) -> None:
    folder.mkdir(parents=True)
    samples.audio_with_speech(lines_for(seconds), folder / "radio.mp3", duration_s=seconds)


def timed_ingest(base: Path, name: str, root: Path, models: dict[str, Any]) -> dict[str, Any]:
    settings = load_settings("default", data_dir=base / f"data-{name}")
    archive = Archive.open(settings, model_overrides=models)
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    report = ingest_folder(archive, root)
    wall, cpu = time.perf_counter() - start, _cpu_seconds() - cpu_start
    archive.close()
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "media_s": report.media_seconds,
            "indexed": report.counts_by_status.get("indexed", 0),
            "stages": report.seconds_by_stage}


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=30)
    parser.add_argument("--video-s", type=float, default=60.0)
    parser.add_argument("--audio-s", type=float, default=60.0)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        make_photos(base / "photos", args.images)
        make_video(base / "video", args.video_s)
        make_audio(base / "audio", args.audio_s)
        provider = ModelProvider(load_settings("default", data_dir=base / "models").models)
        models: dict[str, Any] = {
            "text": provider.text(), "asr": provider.asr(), "clip": random_clip(base)}
        warm_up(models, base)
        photos = timed_ingest(base, "photos", base / "photos", models)
        video = timed_ingest(base, "video", base / "video", models)
        audio = timed_ingest(base, "audio", base / "audio", models)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result = {
            # A load average well above the core count means other processes shared the
            # CPUs: wall-clock figures are then lower bounds. The *_cpu_bound figures divide
            # the work by this process's CPU seconds spread over all cores instead.
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                        "load_average_1m": _load_average()},
            "models": {"clip": "ViT-B-32 (random weights)", "text": models["text"].name,
                       "asr": models["asr"].name},
            "images_per_s": round(photos["indexed"] / photos["wall_s"], 2),
            "video_s_per_wall_s": round(video["media_s"] / video["wall_s"], 2),
            "audio_rtf": round(audio["wall_s"] / audio["media_s"], 3),
            "peak_rss_mb": round(peak_mb, 1),
            "images_per_s_cpu_bound": _per_cpu(photos["indexed"], photos["cpu_s"]),
            "video_s_per_wall_s_cpu_bound": _per_cpu(video["media_s"], video["cpu_s"]),
            "targets": {"images_per_s": ">= 5", "video_s_per_wall_s": ">= 4",
                        "peak_rss_mb": "<= 4096"},
            "runs": {"photos": photos, "video": video, "audio": audio},
        }
        print(json.dumps(result, indent=2))
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
