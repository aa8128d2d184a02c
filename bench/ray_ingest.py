"""Distributed ingest: one Ray node against two, on this machine, with the real packaged
speech and text models (the test profile; CLIP off, as on a machine without its weights).

    .venv/bin/python bench/ray_ingest.py [--clips 6] [--photos 8] [--nodes 1,2]

Each node is `ray start` with one CPU on this machine (assistant/ingest/ray_local.py), so
two nodes share the machine's cores with each other and with the driver: on a 2-core
machine the second node can at best use the second core. Each run gets a fresh data dir
and a fresh cluster; the timed ingest includes each actor loading its models (once per
node). Prints JSON: wall seconds, files per node, audio seconds per wall second, and the
load average before and after, since other work on the machine changes everything.
"""

from __future__ import annotations

import argparse
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

# The sample builders (samples/) live beside the package, not in it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.ingest.distributed import RAY
from assistant.ingest.pipeline import ingest_folder
from assistant.ingest.ray_local import LocalRayCluster
from samples import media as samples

REPO = Path(__file__).resolve().parents[1]
LINES = [
    "The council approved the new harbour budget this morning.",
    "Ferries will run again from Thursday after the storm.",
    "Firefighters spent the night at the warehouse on the quay.",
    "The orchestra opens its season with a free concert.",
]
PHOTOS = ["fruits.jpg", "messi5.jpg", "leuvenA.jpg", "baboon.jpg", "board.jpg"]


def _loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def build(root: Path, clips: int, photos: int) -> float:
    root.mkdir(parents=True)
    seconds = 0.0
    for i in range(clips):
        lines = [(0.5, LINES[i % len(LINES)]), (5.0, f"This is report number {i + 1}.")]
        samples.audio_with_speech(lines, root / f"radio{i:02d}.wav", duration_s=10.0)
        seconds += 10.0
    for i in range(photos):
        data = samples.debian_photo(PHOTOS[i % len(PHOTOS)]).read_bytes()
        (root / f"photo{i:02d}.jpg").write_bytes(data + bytes([i]))  # distinct content
    return seconds


def run(nodes: int, root: Path, audio_s: float, work: Path) -> dict[str, Any]:
    settings = load_settings("test", data_dir=work / f"data-{nodes}")
    with LocalRayCluster(nodes, work / f"logs-{nodes}", pythonpath=str(REPO)) as address:
        settings.ingest.ray = address
        archive = Archive.open(settings)
        load = _loadavg()
        start = time.perf_counter()
        report = ingest_folder(archive, root)
        wall = time.perf_counter() - start
        per_node = dict(archive.extras[RAY].per_node)
        archive.close()
    return {
        "nodes": nodes,
        "wall_s": round(wall, 1),
        "files": sum(report.counts_by_status.values()),
        "failures": len(report.failures),
        "files_per_node": per_node,
        "audio_x_realtime": round(audio_s / wall, 2),
        "loadavg_before": load,
        "loadavg_after": _loadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=6, help="10-second speech clips")
    parser.add_argument("--photos", type=int, default=8)
    parser.add_argument("--nodes", default="1,2", help="node counts to compare")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ray-bench-"))
    try:
        audio_s = build(work / "archive", args.clips, args.photos)
        runs = [run(int(n), work / "archive", audio_s, work) for n in args.nodes.split(",")]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out: dict[str, Any] = {"cpus": os.cpu_count(), "audio_s": audio_s, "runs": runs}
    if len(runs) >= 2:
        out["speedup"] = round(runs[0]["wall_s"] / runs[-1]["wall_s"], 2)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
