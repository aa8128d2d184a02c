"""The whole query path at archive scale: SearchEngine.run over a synthetic archive.

Builds an archive of N assets through the store APIs (catalog.put_asset, set_metadata,
replace_segments, vectors.upsert, set_status), 3-5 segments per asset, realistic
metadata (title, date, place, people, topics, source; tempo/key/mode on music), then
times every query type through `SearchEngine.run`, and the vector index alone, in the
same run. Prints exactly one JSON object:

    {"assets": N, "segments": ..., "build_s": ..., "cold_first_s": ..., "rss_mb": ...,
     "queries": {"text": {"p50_ms", "p95_ms"}, "text_filter_1pct": ..., "filter_half": ...,
                 "image": ..., "audio": ...},
     "vector_only": {"p50_ms", "p95_ms"}, ...}

What is synthetic, so the build stays minutes, not hours:
- Passage vectors (text segments, metadata gists) are random unit vectors of the text
  model's dimension, clustered around topic centres (as bench/search.py: closer to real
  sentence embeddings than uniform noise). Queries are real text through the real query
  path: the packaged all-MiniLM encodes them, FTS5 and the index answer them.
- pHashes are random 64-bit hashes, except a few real Debian photos (whose thumbnails
  every synthetic picture points at, so the crop pass reads real thumbnails).
- The audio query's transcription is a fixed transcript of one archive segment (a stand-in
  transcriber): the goal is "transcription + 200 ms", so transcription is left out.

    python bench/scale.py --assets 10000
    python bench/scale.py --assets 100000
    python bench/scale.py --assets 1000000      # long: see build_s of the smaller runs
    python bench/scale.py --assets 100000 --keep DIR --ef 200   # again on DIR, ef 200
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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.models.base import SpeechSegment, Transcript, Word
from assistant.retrieval.engine import SearchEngine
from assistant.schemas import (
    Asset,
    Filters,
    MetadataValue,
    SearchQuery,
    Segment,
    WordTiming,
    make_segment_id,
)

PHOTOS = Path("/usr/share/doc/opencv-doc/examples/data")
REAL_PHOTOS = (
    "leuvenA.jpg",
    "messi5.jpg",
    "fruits.jpg",
    "building.jpg",
    "home.jpg",
    "lena.jpg",
    "baboon.jpg",
    "board.jpg",
)
PLACES = [
    f"{stem}{suffix}"
    for stem in ("Leu", "Bru", "Gen", "Ant", "Mech", "Has", "Lie", "Nam", "Brug", "Kor")
    for suffix in ("ven", "sel", "stad", "berg", "dorp", "ham", "wijk", "mond", "haven", "burg")
]  # 100 places: one is 1 % of the archive
PEOPLE = [
    f"{first} {last}"
    for first in ("Anna", "Marc", "Sofie", "Jan", "Lea", "Tom", "Noor", "Pieter")
    for last in ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Wouters")
]
TOPICS = [
    "energy",
    "budget",
    "football",
    "weather",
    "harbour",
    "election",
    "transport",
    "health",
    "schools",
    "housing",
    "culture",
    "police",
    "farming",
    "climate",
    "trade",
    "tourism",
]
SOURCES = [
    "Belga",
    "Reuters",
    "AFP",
    "VRT",
    "RTBF",
    "Harbour authority",
    "City archive",
    "Staff photographer",
]
VOCABULARY = (  # noqa: SIM905 (one readable paragraph)
    "council budget energy prices winter heating bills commissioner tram line harbour "
    "container volumes fishermen quotas river road bridge flood football team final match "
    "election campaign minister hospital school teachers strike train station delays "
    "housing market rent farmers protest climate summit museum exhibition festival police "
    "investigation court ruling trade deal port workers tourism season storm damage"
).split()
KINDS = ("image", "video", "audio", "document")
KIND_SHARE = (0.4, 0.2, 0.2, 0.2)
DIM = 384
CLUSTER_NOISE = 0.05
CHROMA_BATCH = 5000


class FixedTranscriber:
    """Stands in for Whisper: the transcript is set per query (transcription excluded)."""

    name = "fixed-transcript"

    def __init__(self) -> None:
        self.text = ""

    def translate(self, audio: Any, language: str | None = None) -> Transcript | None:
        return None

    def language_probabilities(self, audio: Any) -> list[tuple[str, float]]:
        return []

    def transcribe(self, audio: Any, language: str | None = None) -> Transcript:
        words = tuple(Word(i * 0.4, i * 0.4 + 0.3, w) for i, w in enumerate(self.text.split()))
        return Transcript(
            "en", len(words) * 0.4, (SpeechSegment(0.0, len(words) * 0.4, self.text, words),)
        )


def unit_rows(rng: np.random.Generator, n: int) -> np.ndarray:
    rows = rng.standard_normal((n, DIM), dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def clustered(rng: np.random.Generator, centres: np.ndarray, n: int) -> np.ndarray:
    rows = centres[rng.integers(0, len(centres), n)]
    rows = rows + rng.standard_normal((n, DIM), dtype=np.float32) * CLUSTER_NOISE
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


SYLLABLES = (
    "ka",
    "lo",
    "mer",
    "tin",
    "sa",
    "ve",
    "dor",
    "pi",
    "ru",
    "len",
    "bo",
    "sta",
    "gri",
    "fa",
    "nel",
    "zo",
    "wen",
    "tu",
    "mar",
    "el",
)
# A Zipf-like vocabulary: the real words above are the common ones, then 8000 made-up
# words (syllable pairs and triples), so a query word matches a realistic share of texts.
WORDS = (
    VOCABULARY
    + [a + b for a in SYLLABLES for b in SYLLABLES]
    + [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES][:7600]
)
_ZIPF = 1.0 / np.arange(1, len(WORDS) + 1) ** 1.05
ZIPF = _ZIPF / _ZIPF.sum()


def sentence(rng: np.random.Generator, words: int) -> str:
    return " ".join(WORDS[i] for i in rng.choice(len(WORDS), size=words, p=ZIPF)) + "."


def query_from(rng: np.random.Generator, text: str, words: int = 4) -> str:
    """A query of a few words of one archive text (so something matches it)."""
    parts = text.rstrip(".").split()
    picked = sorted(rng.choice(len(parts), size=min(words, len(parts)), replace=False))
    return " ".join(parts[i] for i in picked)


def timed(start: float, end: float, text: str) -> list[WordTiming]:
    words = text.split()
    step = (end - start) / len(words)
    return [
        WordTiming(start_s=start + i * step, end_s=start + (i + 1) * step, text=w)
        for i, w in enumerate(words)
    ]


def real_thumbnails(data_dir: Path) -> list[tuple[str, str]]:
    """(thumbnail path relative to the data dir, phash hex) of a few real photos."""
    from PIL import Image

    from assistant.media.images import phash_hex

    found = []
    for photo in REAL_PHOTOS:
        if not (PHOTOS / photo).exists():
            continue
        with Image.open(PHOTOS / photo) as opened:
            picture = opened.convert("RGB")
        rel = f"thumbnails/real/{Path(photo).stem}.jpg"
        (data_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        thumb = picture.copy()
        thumb.thumbnail((320, 320))
        thumb.save(data_dir / rel, quality=85)
        found.append((rel, phash_hex(picture)))
    return found


def metadata(rng: np.random.Generator, kind: str, i: int, music: bool) -> list[MetadataValue]:
    year = 1990 + int(rng.integers(0, 34))
    fields: dict[str, Any] = {
        "title": f"{TOPICS[i % len(TOPICS)]} {sentence(rng, 4)}",
        "date": f"{year}-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}",
        "place": PLACES[int(rng.integers(0, len(PLACES)))],
        "people": [PEOPLE[int(j)] for j in rng.integers(0, len(PEOPLE), 2)],
        "topics": [TOPICS[int(j)] for j in rng.integers(0, len(TOPICS), 2)],
        "source": SOURCES[int(rng.integers(0, len(SOURCES)))],
    }
    if kind in ("image", "video") and rng.random() < 0.5:
        fields["description"] = sentence(rng, 10)
    values = [MetadataValue(field=k, value=v, source="sidecar") for k, v in fields.items()]
    if music:
        values += [
            MetadataValue(field="tempo", value=float(rng.uniform(60, 180)), source="analysis"),
            MetadataValue(field="key", value=f"{'ACDEFGB'[i % 7]} minor", source="analysis"),
            MetadataValue(field="mode", value="minor" if i % 2 else "major", source="analysis"),
        ]
    return values


def segments_for(
    rng: np.random.Generator, asset_id: str, kind: str, thumbs: list[tuple[str, str]]
) -> list[Segment]:
    n = int(rng.integers(3, 6))
    out: list[Segment] = []

    def visual(i: int, at: float | None) -> Segment:
        real = rng.random() < 0.001 or not thumbs
        thumb, phash = thumbs[int(rng.integers(0, len(thumbs)))] if thumbs else ("", "")
        if not real or not phash:
            phash = f"{int(rng.integers(0, 2**63)) * 2 + int(rng.integers(0, 2)):016x}"
        return Segment(
            segment_id=make_segment_id(asset_id, "visual", i),
            asset_id=asset_id,
            kind="visual",
            index=i,
            start_s=at,
            end_s=at,
            thumbnail=thumb or None,
            phash=phash,
            embedded=False,
        )

    if kind == "image":
        out.append(visual(0, None))
        out += [
            Segment(
                segment_id=make_segment_id(asset_id, "caption", i),
                asset_id=asset_id,
                kind="caption",
                index=i,
                text=sentence(rng, 8),
            )
            for i in range(n - 1)
        ]
    elif kind == "video":
        visuals = 1 + n // 3
        out += [visual(i, i * 10.0) for i in range(visuals)]
        out += [_speech(rng, asset_id, i) for i in range(n - visuals)]
    elif kind == "audio":
        out += [_speech(rng, asset_id, i) for i in range(n)]
    else:
        out += [
            Segment(
                segment_id=make_segment_id(asset_id, "text", i),
                asset_id=asset_id,
                kind="text",
                index=i,
                text=sentence(rng, 30),
                char_start=i * 300,
                char_end=i * 300 + 290,
                page=1 + i // 2,
            )
            for i in range(n)
        ]
    return out


def _speech(rng: np.random.Generator, asset_id: str, i: int) -> Segment:
    text = sentence(rng, 14)
    start, end = i * 8.0, i * 8.0 + 7.5
    return Segment(
        segment_id=make_segment_id(asset_id, "speech", i),
        asset_id=asset_id,
        kind="speech",
        index=i,
        start_s=start,
        end_s=end,
        text=text,
        words=timed(start, end, text),
    )


def build(archive: Archive, n: int, rng: np.random.Generator) -> dict[str, Any]:
    """Write n assets through the store APIs; returns figures and query material."""
    data_dir = archive.settings.data_dir
    thumbs = real_thumbnails(data_dir)
    centres = unit_rows(rng, max(8, n // 50))
    kinds = rng.choice(len(KINDS), size=n, p=KIND_SHARE)
    pending: dict[str, list[Any]] = {"ids": [], "assets": [], "vecs": []}
    text_ids: list[str] = []
    speech_texts: list[str] = []
    sample_texts: list[str] = []
    segment_count = 0
    catalog = archive.catalog
    for i in range(n):
        kind = KINDS[int(kinds[i])]
        asset_id = f"{i:016x}"
        music = kind == "audio" and i % 4 == 0
        catalog.put_asset(
            Asset(
                asset_id=asset_id,
                path=f"/archive/{kind}/{i:07d}",
                root="/archive",
                rel_path=f"{kind}/{i:07d}",
                kind=kind,  # type: ignore[arg-type]
                duration_s=60.0 if kind in ("audio", "video") else None,
                status="pending",
                is_music=music,
            )
        )
        catalog.set_metadata(asset_id, metadata(rng, kind, i, music))
        segments = segments_for(rng, asset_id, kind, thumbs)
        catalog.replace_segments(asset_id, segments)
        segment_count += len(segments)
        texts = [s for s in segments if s.kind != "visual"]
        if texts:
            vecs = clustered(rng, centres, len(texts))
            pending["ids"] += [s.segment_id for s in texts]
            pending["assets"] += [asset_id] * len(texts)
            pending["vecs"].append(vecs)
            if len(speech_texts) < 200 and rng.random() < 0.05:
                speech_texts += [s.text for s in texts if s.kind == "speech"][:1]
            if len(sample_texts) < 400 and rng.random() < 0.05:
                sample_texts.append(texts[0].text)
        catalog.set_status(asset_id, "indexed")
        if len(pending["ids"]) >= CHROMA_BATCH or i == n - 1:
            vecs = np.concatenate(pending["vecs"])
            archive.vectors.upsert("text", pending["ids"], vecs, pending["assets"])
            text_ids += pending["ids"]
            pending = {"ids": [], "assets": [], "vecs": []}
    meta_vectors = write_meaning_vectors(archive, rng, centres, n)
    return {
        "segments": segment_count,
        "text_vectors": len(text_ids),
        "speech": speech_texts,
        "texts": sample_texts,
        "meaning_vectors": meta_vectors,
    }


def write_meaning_vectors(
    archive: Archive, rng: np.random.Generator, centres: np.ndarray, n: int
) -> int:
    """Metadata gists as vectors in the index's own space, when this version has one
    (random clustered vectors, as the passages; MiniLM would take an hour at 1M)."""
    try:
        from assistant.store import metadata_space
    except ImportError:
        return 0
    written = 0
    for batch in metadata_space.stale_batches(archive.catalog, 5000):
        ids = [asset_id for asset_id, _ in batch]
        archive.vectors.upsert(metadata_space.SPACE, ids, clustered(rng, centres, len(ids)), ids)
        archive.catalog.clear_meaning_stale(ids)
        written += len(ids)
    return written


def percentiles(samples: list[float]) -> dict[str, float]:
    ms = np.asarray(samples) * 1000
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
        "n": len(samples),
    }


def timed_runs(
    run: Callable[[Any], Any], inputs: Iterator[Any] | list[Any], warmup: int
) -> dict[str, float]:
    samples = []
    for i, item in enumerate(inputs):
        started = time.perf_counter()
        run(item)
        if i >= warmup:
            samples.append(time.perf_counter() - started)
    return percentiles(samples)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def recall_at_k(archive: Archive, queries: np.ndarray, k: int) -> float:
    """Share of the exact top-k (numpy over every stored text vector) the index returns."""
    parts = list(archive.vectors.scan("text"))
    ids = [i for part_ids, _, _ in parts for i in part_ids]
    matrix = np.concatenate([m for _, m, _ in parts]).astype(np.float32)
    found = 0
    for query in queries:
        scores = matrix @ query
        top = np.argpartition(-scores, k)[:k]
        exact = {ids[j] for j in top}
        found += len(exact & {i for i, _ in archive.vectors.query("text", query, k)})
    return round(found / (k * len(queries)), 4)


def measure(
    archive_dir: Path, built: dict[str, Any], args: argparse.Namespace, rng: np.random.Generator
) -> dict[str, Any]:
    transcriber = FixedTranscriber()
    settings = load_settings("test", data_dir=archive_dir)
    if args.ef:
        settings.store.hnsw_ef_search = args.ef
    started = time.perf_counter()
    archive = Archive.open(settings, model_overrides={"clip": None, "asr": transcriber})
    engine = SearchEngine(archive)
    engine.run(SearchQuery(text="energy prices in winter", k=10))
    cold = time.perf_counter() - started
    texts = built["texts"]
    queries = [query_from(rng, texts[i % len(texts)]) for i in range(args.queries)]
    one_place = Filters(place=PLACES[3])
    half = Filters(date_from="2007-01-01")  # type: ignore[arg-type]
    figures: dict[str, Any] = {}
    figures["text"] = timed_runs(
        lambda q: engine.run(SearchQuery(text=q, k=10)), queries, args.warmup
    )
    figures["text_filter_1pct"] = timed_runs(
        lambda q: engine.run(SearchQuery(text=q, k=10, filters=one_place)), queries, args.warmup
    )
    figures["filter_half"] = timed_runs(
        lambda q: engine.run(SearchQuery(text=q, k=10, filters=half)), queries, args.warmup
    )
    photos = [PHOTOS / p for p in REAL_PHOTOS if (PHOTOS / p).exists()]
    image_inputs = [photos[i % len(photos)] for i in range(max(4, args.queries // 2))]
    figures["image"] = timed_runs(
        lambda p: engine.run(SearchQuery(image=p, k=10)), image_inputs, min(args.warmup, 2)
    )
    clip = archive_dir / "query.wav"
    clip.write_bytes(b"RIFF0000WAVE")  # the stand-in transcriber never decodes it

    def audio(text: str) -> None:
        transcriber.text = text
        engine.run(SearchQuery(audio=clip, k=10))

    figures["audio"] = timed_runs(audio, built["speech"][: args.queries], args.warmup)
    encoder = archive.models.text()
    vectors = encoder.encode_queries(queries)
    vector_only = timed_runs(
        lambda v: archive.vectors.query("text", v, 50), list(vectors), args.warmup
    )
    recall = recall_at_k(archive, vectors[:50], 50)
    result = {
        "cold_first_s": round(cold, 2),
        "rss_mb": rss_mb(),
        "queries": figures,
        "vector_only": vector_only,
        "recall_at_50": recall,
        "hnsw_ef_search": settings.store.hnsw_ef_search,
    }
    archive.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="Build the archive in this folder and keep it; a folder built "
        "before is reused (no build: e.g. to sweep --ef).",
    )
    parser.add_argument(
        "--ef",
        type=int,
        default=None,
        help="HNSW query beam (store.hnsw_ef_search) for the queries; takes "
        "effect on a reused --keep folder (a fresh process opens it).",
    )
    args = parser.parse_args()
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    rng = np.random.default_rng(12)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    manifest = folder / "bench-scale.json"
    if manifest.exists():
        built = json.loads(manifest.read_text())
        build_s = built["build_s"]
    else:
        settings = load_settings("test", data_dir=folder)
        archive = Archive.open(settings, model_overrides={"clip": None})
        started = time.perf_counter()
        built = build(archive, args.assets, rng)
        build_s = time.perf_counter() - started
        archive.close()
        del archive
        built = {
            key: built[key]
            for key in ("segments", "speech", "texts", "meaning_vectors", "text_vectors")
        }
        if args.keep is not None:
            manifest.write_text(json.dumps({**built, "build_s": build_s}))
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    try:
        figures = measure(folder, built, args, rng)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    report = {
        "assets": args.assets,
        "segments": built["segments"],
        "text_vectors": built["text_vectors"],
        "build_s": round(build_s, 1),
        **figures,
        "rss_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "bytes_per_asset": round(size / args.assets),
        "meaning_vectors": built["meaning_vectors"],
        "vectors": "random unit vectors (clustered), dim 384; queries real MiniLM text",
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
        "cpus": os.cpu_count(),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
