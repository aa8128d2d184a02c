"""What on-screen text (ingest.ocr) costs at ingest on this machine: the same photos and
video ingested with OCR off and on (packaged text encoder, no CLIP), fresh data dirs.

    .venv/bin/python bench/ocr.py

Prints JSON: photos per second and video seconds per wall second with OCR off and on, and
OCR seconds per picture. The default turns OCR on only if video stays >= 4x real time and
photos >= ~3/s with it (README, Configuration).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo: samples/ is not installed

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.ingest.pipeline import ingest_folder
from assistant.models.base import TextEncoder
from assistant.models.provider import ModelProvider
from samples import media as samples

PHOTOS = [*samples.BENCH_PHOTOS, "Storm.jpg", "Wood.jpg"]


def folders(base: Path) -> dict[str, Path]:
    photos, video = base / "photos", base / "video"
    photos.mkdir()
    video.mkdir()
    for name in PHOTOS:
        shutil.copy(samples.debian_photo(name), photos / name)
    shutil.copy(samples.debian_video("vtest.avi"), video / "vtest.avi")
    return {"photos": photos, "video": video}


def run(base: Path, name: str, folder: Path, ocr: bool, text: TextEncoder) -> dict[str, Any]:
    settings = load_settings("default", data_dir=base / f"data-{name}-{ocr}")
    settings = settings.model_copy(
        update={"ingest": settings.ingest.model_copy(update={"ocr": ocr})}
    )
    with Archive.open(settings, model_overrides={"clip": None, "text": text}) as archive:
        started = time.perf_counter()
        report = ingest_folder(archive, folder)
        seconds = time.perf_counter() - started
        # Photos and video keyframes: the pictures OCR reads.
        pictures = sum(
            len(archive.catalog.segments(a.asset_id, "visual")) for a in archive.catalog.assets()
        )
    figures: dict[str, Any] = {"seconds": round(seconds, 2), "pictures": pictures}
    if name == "photos":
        figures["photos_per_s"] = round(report.counts_by_kind.get("image", 0) / seconds, 2)
    else:
        figures["x_real_time"] = round(report.media_seconds / seconds, 1)
    if "ocr" in report.seconds_by_stage and pictures:
        figures["ocr_s_per_picture"] = round(report.seconds_by_stage["ocr"] / pictures, 3)
    return figures


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    try:
        text = ModelProvider(load_settings("default", data_dir=base / "models").models).text()
        text.encode_passages(["warm up"])
        media = folders(base)
        out = {
            f"{name} ocr={'on' if ocr else 'off'}": run(base, name, folder, ocr, text)
            for ocr in (False, True)
            for name, folder in media.items()
        }
        print(json.dumps(out, indent=1))
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
