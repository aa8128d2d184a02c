"""Sound-event and object-label search recall on real media, and what each costs; JSON.

    .venv/bin/python bench/senses.py

Ingests samples.senses (Debian freedesktop sounds, opencv-doc and
mate-backgrounds photos, a street video with a phone ringing on its soundtrack, a silent
clip with a burned-in headline) with sound events, object labels and keyframe OCR on
(packaged text encoder, no CLIP, no speech model), then asks each file's query. Prints
recall@1 and @3 per set, the stage seconds, and per-item costs: YAMNet seconds per
second of audio, labels seconds per picture, OCR seconds per video keyframe.

Sound by example: each archive sound of samples.senses.SOUNDS, taken again
(samples.senses.another_take: 70 % as loud, 0.4 s later, over white noise at -60 and at
-40 dBFS), is uploaded as an audio query; recall@1/@3 of its own file, and the rank of
the street video (whose soundtrack rings) for the phone ring.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo: samples/ is not installed

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.errors import AssistantError
from assistant.ingest.pipeline import ingest_folder
from assistant.models.provider import ModelProvider
from assistant.retrieval.engine import SearchEngine, search_engine
from assistant.schemas import SearchQuery
from samples.senses import SOUNDS, another_take, build_senses_archive, freedesktop_sound


def recall(engine: SearchEngine, queries: dict[str, str]) -> dict[str, Any]:
    ranks = {}
    for query, wanted in queries.items():
        files = [c.file for c in engine.search(SearchQuery(text=query, k=10))]
        ranks[query] = files.index(wanted) + 1 if wanted in files else None
    n = len(ranks)
    return {
        "queries": n,
        "recall_at_1": round(sum(r == 1 for r in ranks.values()) / n, 3),
        "recall_at_3": round(sum(r is not None and r <= 3 for r in ranks.values()) / n, 3),
        "ranks": ranks,
    }


def by_example(engine: SearchEngine, work: Path, video: str) -> dict[str, Any]:
    """Sound-by-example recall over another take of each archive sound, per noise level."""
    out: dict[str, Any] = {}
    for noise in (-60.0, -40.0):
        ranks: dict[str, int | None] = {}
        for i, (name, _) in enumerate(SOUNDS):
            take = another_take(
                freedesktop_sound(name), work / f"take{i}_{-noise:.0f}.wav", i, noise
            )
            try:
                files = [c.file for c in engine.search(SearchQuery(audio=take, k=10))]
            except AssistantError:  # nothing sounded alike (and no speech model)
                files = []
            wanted = f"sounds/{name}"
            ranks[name] = files.index(wanted) + 1 if wanted in files else None
            if name == "phone-incoming-call.oga":
                ranks["street video for the ring"] = (
                    files.index(video) + 1 if video in files else None
                )
        own = [r for n, r in ranks.items() if n.endswith(".oga")]
        out[f"noise_{noise:.0f}_dbfs"] = {
            "queries": len(own),
            "recall_at_1": round(sum(r == 1 for r in own) / len(own), 3),
            "recall_at_3": round(sum(r is not None and r <= 3 for r in own) / len(own), 3),
            "ranks": ranks,
        }
    return out


def steady_costs(settings: Any, root: Path) -> dict[str, float]:
    """Per-item model costs once loaded (one warm-up call each, then timed)."""
    import time

    import librosa
    from PIL import Image

    from assistant.enrich.labels import label_segments
    from assistant.enrich.sound import sound_segments
    from assistant.models.object_labels import EfficientNetLite0
    from assistant.models.sound_events import YamnetOnnx

    tagger = YamnetOnnx(settings.models.cache_dir, settings.models.threads)
    audio = librosa.load(str(root / "video/street_phone.mp4"), sr=16_000)[0]
    sound_segments("w", audio[:16_000], tagger)
    started = time.perf_counter()
    sound_segments("w", audio, tagger)
    sound_rtf = (time.perf_counter() - started) / (audio.size / 16_000)
    labeler = EfficientNetLite0(settings.models.threads)
    photos = [(Image.open(p), None, None) for p in sorted((root / "photos").iterdir())]
    label_segments("w", photos[:1], labeler)
    started = time.perf_counter()
    label_segments("w", photos, labeler)
    per_photo = (time.perf_counter() - started) / len(photos)
    return {"sound_s_per_audio_s": round(sound_rtf, 3), "labels_s_per_picture": round(per_photo, 3)}


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="bench-senses-"))
    try:
        media = build_senses_archive(base / "archive")
        settings = load_settings("default", data_dir=base / "data")
        settings = settings.model_copy(
            update={
                "ingest": settings.ingest.model_copy(
                    update={"sound_events": True, "object_labels": True, "ocr_keyframes": True}
                )
            }
        )
        text = ModelProvider(settings.models).text()
        archive = Archive.open(settings, model_overrides={"clip": None, "asr": None, "text": text})
        report = ingest_folder(archive, media.root)
        engine = search_engine(archive)
        assets = archive.catalog.assets()
        audio_s = sum(a.duration_s or 0.0 for a in assets if a.kind in ("audio", "video"))
        pictures = sum(len(archive.catalog.segments(a.asset_id, "visual")) for a in assets)
        keyframes = sum(
            len(archive.catalog.segments(a.asset_id, "visual")) for a in assets if a.kind == "video"
        )
        stages = report.seconds_by_stage
        out = {
            "load_average": os.getloadavg(),
            "sounds": recall(engine, media.sound_queries),
            "objects": recall(engine, media.label_queries),
            "sound_by_example": by_example(engine, base, media.video),
            "stage_seconds": {k: round(v, 2) for k, v in stages.items()},
            "sound_s_per_audio_s": round(stages.get("sound", 0.0) / max(audio_s, 1e-9), 3),
            "labels_s_per_picture": round(stages.get("labels", 0.0) / max(pictures, 1), 3),
            "ocr_s_per_keyframe": round(stages.get("ocr", 0.0) / max(keyframes, 1), 3),
            "audio_s": round(audio_s, 1),
            "pictures": pictures,
            "keyframes": keyframes,
            "note": "stage seconds include each model's first load",
            "steady": steady_costs(settings, media.root),
        }
        archive.close()
        print(json.dumps(out, indent=1))
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
