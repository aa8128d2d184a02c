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
- `cold_first_s` is a fresh process (bench/cold_start.py: open, load the text encoder,
  first text query), its stages in `cold_stages`; `--cold-evict` drops the archive's and
  the model's pages from the page cache first.
- The audio query's transcription is a fixed transcript of one archive segment (a stand-in
  transcriber): the goal is "transcription + 200 ms", so transcription is left out.

    python bench/scale.py --assets 10000
    python bench/scale.py --assets 100000
    python bench/scale.py --assets 1000000      # long: see build_s of the smaller runs
    python bench/scale.py --assets 100000 --keep DIR --ef 200   # again on DIR, ef 200
    python bench/scale.py --assets 100000 --vectors faiss       # the compact index
    python bench/scale.py --assets 1000000 --vectors faiss --keep DIR --build-only \
        --build-max-s 3000      # stops cleanly (also on SIGTERM/SIGINT); run again to resume
    python bench/scale.py --assets 1000000 --keep DIR --reuse   # queries only, no build
    python bench/scale.py --assets 1000000 --keep DIR --reuse --hold-cache  # warm cache

The build's seconds per phase are in `build_phases_s` (generate, vector_delete, catalog,
vector_upsert, status, meaning, truth, index_save), summed over its runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.ingest.extract import Extracted
from assistant.ingest.store import store_batch
from assistant.retrieval.engine import search_engine
from assistant.schemas import (
    Asset,
    Filters,
    MetadataValue,
    SearchQuery,
    Segment,
)
from assistant.store.vectors.faiss_index import FaissIndex
from samples.stand_ins import FixedTranscriber, spoken_line

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
KIND_CUMULATIVE = np.cumsum(KIND_SHARE)[:-1]  # searchsorted: 0..3
DIM = 384
CLUSTER_NOISE = 0.05
CHROMA_BATCH = 5000


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


ZIPF_CUMULATIVE = np.cumsum(ZIPF)
WORD_ARRAY = np.array(WORDS, dtype=object)


def sentence(rng: np.random.Generator, words: int) -> str:
    # searchsorted over the cumulative Zipf, not rng.choice(p=): that one re-sums the
    # 8000 probabilities on every call (a fifth of the build's CPU).
    picked = np.searchsorted(ZIPF_CUMULATIVE, rng.random(words) * ZIPF_CUMULATIVE[-1])
    # Indexing an object array, not a Python loop over the picks (a tenth of generation).
    return " ".join(WORD_ARRAY[np.minimum(picked, len(WORDS) - 1)]) + "."


def query_from(rng: np.random.Generator, text: str, words: int = 4) -> str:
    """A query of a few words of one archive text (so something matches it)."""
    parts = text.rstrip(".").split()
    picked = sorted(rng.choice(len(parts), size=min(words, len(parts)), replace=False))
    return " ".join(parts[i] for i in picked)


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
        return Segment.of(
            asset_id,
            "visual",
            i,
            start_s=at,
            end_s=at,
            thumbnail=thumb or None,
            phash=phash,
            embedded=False,
        )

    if kind == "image":
        out.append(visual(0, None))
        out += [
            Segment.of(
                asset_id,
                "caption",
                i,
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
            Segment.of(
                asset_id,
                "text",
                i,
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
    return spoken_line(asset_id, i, start, end, text)


def synthetic_batch(
    rng: np.random.Generator,
    first: int,
    stop: int,
    centres: np.ndarray,
    thumbs: list[tuple[str, str]],
) -> list[tuple[Extracted, dict[str, dict[str, np.ndarray]]]]:
    """Assets first..stop-1 as ingest's extractor would hand them over, with vectors."""
    batch = []
    for i in range(first, stop):
        kind = KINDS[int(np.searchsorted(KIND_CUMULATIVE, rng.random()))]
        asset_id = f"{i:016x}"
        music = kind == "audio" and i % 4 == 0
        asset = Asset(
            asset_id=asset_id,
            path=f"/archive/{kind}/{i:07d}",
            root="/archive",
            rel_path=f"{kind}/{i:07d}",
            kind=kind,  # type: ignore[arg-type]
            duration_s=60.0 if kind in ("audio", "video") else None,
            status="pending",
            is_music=music,
        )
        segments = segments_for(rng, asset_id, kind, thumbs)
        texts = [s for s in segments if s.kind != "visual"]
        vectors = clustered(rng, centres, len(texts)) if texts else np.zeros((0, DIM))
        item = Extracted(asset=asset, segments=segments, metadata=metadata(rng, kind, i, music))
        batch.append(
            (item, {"text": dict(zip([s.segment_id for s in texts], vectors, strict=True))})
        )
    return batch


class BuildState:
    """What a (possibly interrupted) build has written, in DIR/bench-scale.json, rewritten
    after every batch: a killed build resumes at the next batch (each batch's random
    stream is seeded by its first asset, so a resumed build writes the same archive).
    The exact-search ground truth (the text vectors the bench generated) is appended to
    DIR/truth.f32 and DIR/truth.ids, cut back to the recorded length on resume."""

    def __init__(self, folder: Path, assets: int) -> None:
        self.folder = folder
        self.path = folder / "bench-scale.json"
        fresh = {
            "assets": assets,
            "done": 0,
            "segments": 0,
            "text_vectors": 0,
            "meaning_vectors": 0,
            "build_s": 0.0,
            "complete": False,
            "speech": [],
            "texts": [],
            "build_runs": [],
        }
        self.data: dict[str, Any] = (
            json.loads(self.path.read_text()) if self.path.exists() else fresh
        )
        if self.data.get("assets", assets) != assets:
            raise SystemExit(
                f"{folder} holds a build of {self.data['assets']} assets, not {assets}"
            )
        self.data.setdefault("complete", True)  # a manifest of the unbatched bench
        self.data.setdefault("done", assets)

    def truth_files(self) -> tuple[Path, Path]:
        return self.folder / "truth.f32", self.folder / "truth.ids"

    def cut_truth(self) -> None:
        vectors, ids = self.truth_files()
        rows = self.data["text_vectors"]
        if vectors.exists():
            with vectors.open("r+b") as handle:
                handle.truncate(rows * DIM * 4)
            kept = ids.read_text().splitlines()[:rows]
            ids.write_text("".join(f"{i}\n" for i in kept))

    def append_truth(self, ids: list[str], matrix: np.ndarray) -> None:
        vectors, id_file = self.truth_files()
        with vectors.open("ab") as handle:
            handle.write(np.ascontiguousarray(matrix, dtype=np.float32).tobytes())
        with id_file.open("a") as handle:
            handle.write("".join(f"{i}\n" for i in ids))

    def save(self) -> None:
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps(self.data))
        partial.replace(self.path)


def build(archive: Archive, state: BuildState, batch_size: int, until: float | None) -> None:
    """Write the archive through ingest's batched store (ingest/store.py store_batch:
    one catalog transaction per batch, one vector upsert per space), resuming where an
    interrupted build stopped. It stops cleanly (after a batch, the index saved, resumable)
    on SIGTERM or SIGINT, or once time.time() passes `until`."""
    n, data = state.data["assets"], state.data
    thumbs = real_thumbnails(archive.settings.data_dir)
    centres = unit_rows(np.random.default_rng(12), max(8, n // 50))
    state.cut_truth()
    run = {"from": data["done"], "nice": os.nice(0), "loadavg_start": loadavg()}
    data.setdefault("hnsw_m", archive.settings.store.hnsw_m)
    data.setdefault("hnsw_ef_construction", archive.settings.store.hnsw_ef_construction)
    data["build_runs"].append(run)
    phases: dict[str, float] = data.setdefault("build_phases_s", {})
    with _stop_requests() as stop:
        for first in range(data["done"], n, batch_size):
            if stop.is_set() or (until is not None and time.time() >= until):
                print(
                    f"stopped at {data['done']}/{n}: resume with the same command", file=sys.stderr
                )
                break
            started = time.perf_counter()
            rng = np.random.default_rng([12, first])
            batch = synthetic_batch(rng, first, min(n, first + batch_size), centres, thumbs)
            phases["generate"] = phases.get("generate", 0.0) + time.perf_counter() - started
            store_batch(archive, batch, phases)
            stored = time.perf_counter()
            meaning = write_meaning_vectors(archive, rng, centres)
            meant = time.perf_counter()
            phases["meaning"] = phases.get("meaning", 0.0) + meant - stored
            ids = [sid for _, vectors in batch for sid in vectors["text"]]
            state.append_truth(ids, np.array([v for _, vs in batch for v in vs["text"].values()]))
            for item, vectors in batch:
                texts = [s.text for s in item.segments if s.segment_id in vectors["text"]]
                speech = [s.text for s in item.segments if s.kind == "speech"]
                if speech and len(data["speech"]) < 200 and rng.random() < 0.05:
                    data["speech"].append(speech[0])
                if texts and len(data["texts"]) < 400 and rng.random() < 0.05:
                    data["texts"].append(texts[0])
            data["segments"] += sum(len(item.segments) for item, _ in batch)
            data["text_vectors"] += len(ids)
            data["meaning_vectors"] += meaning
            data["done"] = min(n, first + batch_size)
            finished = time.perf_counter()
            phases["truth"] = phases.get("truth", 0.0) + finished - meant
            data["build_s"] += finished - started
            run.update(to=data["done"], loadavg_end=loadavg())
            state.save()
            if data["done"] % (batch_size * 20) == 0:
                rate = data["done"] / max(data["build_s"], 1e-9)
                split = " ".join(f"{k} {v:.0f}" for k, v in phases.items())
                print(
                    f"built {data['done']}/{n} ({rate:.0f} assets/s; s: {split}; "
                    f"load {' '.join(loadavg())})",
                    file=sys.stderr,
                    flush=True,
                )
    started = time.perf_counter()
    if isinstance(archive.vectors, FaissIndex):  # its last index file is part of the build
        archive.vectors.save()
    phases["index_save"] = phases.get("index_save", 0.0) + time.perf_counter() - started
    data["build_s"] += time.perf_counter() - started
    data["complete"] = data["done"] >= n
    state.save()


@contextmanager
def _stop_requests() -> Iterator[threading.Event]:
    """Set by SIGTERM or SIGINT while the build runs: it finishes its batch, saves and
    stops (the signals' own handlers are back afterwards)."""
    requested = threading.Event()
    signals = (signal.SIGTERM, signal.SIGINT)
    before = {signum: signal.getsignal(signum) for signum in signals}
    for signum in signals:
        signal.signal(signum, lambda *_: requested.set())
    try:
        yield requested
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def loadavg() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


def write_meaning_vectors(archive: Archive, rng: np.random.Generator, centres: np.ndarray) -> int:
    """Metadata gists as vectors in the index's own space: the assets the batch's writes
    marked stale (random clustered vectors, as the passages; MiniLM would take an hour
    at 1M)."""
    from assistant.store import metadata_space

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


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory from /proc/self/status: VmRSS (all of it), or
    RssAnon (its own memory: without the pages of memory-mapped files, such as the vector
    rows and the faiss lists, which are the page cache's and count in VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def exact_top_k(folder: Path, queries: np.ndarray, k: int) -> list[set[str]]:
    """Exact top-k ids per query: numpy over the generated text vectors (DIR/truth.f32,
    memory-mapped, scanned in chunks: 2.5M vectors at 1M assets)."""
    vectors, id_file = folder / "truth.f32", folder / "truth.ids"
    matrix = np.memmap(vectors, dtype=np.float32, mode="r").reshape(-1, DIM)
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_rows = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(matrix), 200_000):
        scores = queries @ np.asarray(matrix[start : start + 200_000]).T
        rows = np.broadcast_to(np.arange(start, start + scores.shape[1]), scores.shape)
        best_scores = np.concatenate([best_scores, scores], axis=1)
        best_rows = np.concatenate([best_rows, rows], axis=1)
        keep = np.argpartition(-best_scores, min(k, best_scores.shape[1] - 1), axis=1)[:, :k]
        best_scores = np.take_along_axis(best_scores, keep, axis=1)
        best_rows = np.take_along_axis(best_rows, keep, axis=1)
    ids = id_file.read_text().splitlines()
    return [{ids[j] for j in row} for row in best_rows]


def recall_at_k(archive: Archive, folder: Path, queries: np.ndarray, k: int) -> tuple[float, float]:
    """Share of the exact top-k the index returns, and the index's mean time per query."""
    exact = exact_top_k(folder, queries, k)
    found, started = 0, time.perf_counter()
    for query, truth in zip(queries, exact, strict=True):
        found += len(truth & {i for i, _ in archive.vectors.query("text", query, k)})
    elapsed = (time.perf_counter() - started) / len(queries)
    return round(found / (k * len(queries)), 4), round(elapsed * 1000, 1)


def near_queries(folder: Path, rng: np.random.Generator, n: int) -> np.ndarray:
    """Queries from the archive's own distribution: a stored passage vector moved by the
    clusters' noise (a paraphrase of a passage), less adversarial than a MiniLM query,
    which points nowhere near the random clusters."""
    matrix = np.memmap(folder / "truth.f32", dtype=np.float32, mode="r").reshape(-1, DIM)
    rows = np.asarray(matrix[np.sort(rng.choice(len(matrix), n, replace=False))])
    rows = rows + rng.standard_normal(rows.shape, dtype=np.float32) * CLUSTER_NOISE
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def measure(
    archive_dir: Path, built: dict[str, Any], args: argparse.Namespace, rng: np.random.Generator
) -> dict[str, Any]:
    transcriber = FixedTranscriber()
    settings = load_settings("test", data_dir=archive_dir)
    if args.ef:
        settings.store.hnsw_ef_search = args.ef
    started = time.perf_counter()
    archive = Archive.open(settings, model_overrides={"clip": None, "asr": transcriber})
    engine = search_engine(archive)
    engine.run(SearchQuery(text="energy prices in winter", k=10))
    first = time.perf_counter() - started  # imports and the rows' backfill came before
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
    rss, rss_anon = rss_mb(), rss_mb("RssAnon")
    recall, recall_ms = recall_at_k(archive, archive_dir, vectors[:50], 50)
    near, near_ms = recall_at_k(archive, archive_dir, near_queries(archive_dir, rng, 50), 50)
    result = {
        "first_query_in_process_s": round(first, 2),
        "rss_mb": rss,
        "rss_anon_mb": rss_anon,
        "queries": figures,
        "vector_only": vector_only,
        "recall_at_50": recall,
        "recall_at_50_ms": recall_ms,
        "recall_at_50_near_queries": near,
        "recall_at_50_near_ms": near_ms,
        # Which distribution these are (bench/recall.py measures real MiniLM geometry).
        "recall_vectors": "recall_at_50: real MiniLM queries vs the random clustered "
        "archive vectors (the worst case); near: stored vectors moved by the cluster noise",
        "hnsw": {  # M and the build beam are the build's (fixed then), not the settings'
            "m": built.get("hnsw_m", settings.store.hnsw_m),
            "ef_construction": built.get(
                "hnsw_ef_construction", settings.store.hnsw_ef_construction
            ),
            "ef_search": settings.store.hnsw_ef_search,
        },
    }
    if isinstance(archive.vectors, FaissIndex):  # the "hnsw" figures above are Chroma's
        result["faiss"] = {space: archive.vectors.layout(space) for space in ("text", "meta")}
    archive.close()
    return result


@contextmanager
def held_in_memory(folder: Path, hold: bool) -> Iterator[dict[str, Any]]:
    """With `hold`, the archive's files (not the bench's truth) stay in the page cache
    while the queries run, as on a server whose cache holds its archive: vmtouch locks
    them in memory in a process of its own (the bench's RSS is not theirs). Why: some
    VMs page out file cache idle for a minute (DAMON reclaim, e.g. this project's
    sandbox, whose catalog was 15 % resident three minutes after a full read), so the
    queries measured disk reads and the same code varied by a factor of two."""
    if not hold:
        yield {"page_cache": "as found"}
        return
    if shutil.which("vmtouch") is None:
        raise SystemExit("--hold-cache needs vmtouch: apt-get install vmtouch")
    files = [p for p in sorted(folder.rglob("*")) if p.is_file() and p.stem != "truth"]
    pidfile = folder / "vmtouch.pid"
    started = time.perf_counter()
    # -d: a daemon; -l: mlock; -w: returns once every page is locked; -m: no size cap.
    subprocess.run(
        ["vmtouch", "-qdlw", "-m", "1024G", "-P", str(pidfile), *map(str, files)], check=True
    )
    try:
        yield {"page_cache": "held (vmtouch)", "hold_s": round(time.perf_counter() - started, 1)}
    finally:
        os.kill(int(pidfile.read_text()), signal.SIGTERM)
        pidfile.unlink(missing_ok=True)


def cold_start(folder: Path, evict: bool) -> dict[str, Any]:
    """The cold first query of a fresh process (bench/cold_start.py): `cold_first_s` from
    starting the interpreter to the first results (its exit, freeing the loaded graphs,
    is left out), `cold_stages` what each stage took and read."""
    command = [sys.executable, str(Path(__file__).with_name("cold_start.py")), str(folder)]
    if evict:  # first, in a process of its own: the timed one starts clean
        subprocess.run([*command, "--evict-only"], capture_output=True, check=False)
    started = time.time()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        return {"cold_first_s": None, "cold_error": done.stderr.strip()[-600:]}
    found = json.loads(done.stdout.strip().splitlines()[-1])
    interpreter = found["started_at"] - started
    stages = {"interpreter": {"s": round(interpreter, 3)}, **found["stages"]}
    return {
        "cold_first_s": round(interpreter + found["cold_first_s"], 2),
        "cold_stages": stages,
        "cold_page_cache": "evicted" if evict else "as found",
    }


def backfill_rows(folder: Path) -> float:
    """Copy an index built before the flat vector rows (store/vectors/rows.py) into them,
    once, before the cold start is timed: seconds it took (0.0 when they were there)."""
    from assistant.store.vectors.base import ALL_SPACES
    from assistant.store.vectors.chroma import ChromaIndex

    started = time.perf_counter()
    archive = Archive.open(load_settings("test", data_dir=folder), model_overrides={"clip": None})
    vectors = archive.vectors  # only Chroma keeps flat rows beside its graph
    copied = 0
    if isinstance(vectors, ChromaIndex):
        copied = sum(vectors.backfill_rows(space) for space in ALL_SPACES)
    archive.close()
    return round(time.perf_counter() - started, 1) if copied else 0.0


def sweep_ef(folder: Path, built: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """The recall / latency trade-off of the query beam on one build: recall@50 against
    exact search (MiniLM queries and near queries) and the index's p50 per ef."""
    beams = [int(part) for part in args.sweep_ef.split(",")]
    if len(beams) > 1:
        # One process per beam: Chroma keeps a loaded graph's beam for the process's
        # life, so a second Archive.open with another ef would measure the first again.
        rows = []
        for ef in beams:
            command = [sys.executable, __file__, "--assets", str(built["assets"]), "--keep"]
            command += [str(folder), "--reuse", "--sweep-ef", str(ef)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:  # say why, keep the other beams
                rows.append({"ef_search": ef, "error": done.stderr.strip()[-600:]})
                continue
            rows += json.loads(done.stdout.strip().splitlines()[-1])["sweep"]
        return {**sweep_header(folder, built), "sweep": rows, "loadavg": loadavg()}
    rng = np.random.default_rng(12)
    texts = built["texts"]
    queries = [query_from(rng, texts[i % len(texts)]) for i in range(50)]
    near = near_queries(folder, rng, 50)
    rows = []
    for ef in beams:
        settings = load_settings("test", data_dir=folder)
        settings.store.hnsw_ef_search = ef
        archive = Archive.open(settings, model_overrides={"clip": None})
        vectors = archive.models.text().encode_queries(queries)
        timed_ = timed_runs(partial(archive.vectors.query, "text", k=50), list(vectors), 5)
        recall, _ = recall_at_k(archive, folder, vectors, 50)
        near_recall, near_ms = recall_at_k(archive, folder, near, 50)
        rows.append(
            {
                "ef_search": ef,
                "recall_at_50": recall,
                "recall_at_50_near_queries": near_recall,
                "vector_p50_ms": timed_["p50_ms"],
                "near_mean_ms": near_ms,
            }
        )
        archive.close()
    return {**sweep_header(folder, built), "sweep": rows, "loadavg": loadavg()}


def sweep_header(folder: Path, built: dict[str, Any]) -> dict[str, Any]:
    settings = load_settings("test", data_dir=folder)
    return {
        "assets": built["assets"],
        "text_vectors": built["text_vectors"],
        "hnsw_m": built.get("hnsw_m", settings.store.hnsw_m),
        "hnsw_ef_construction": built.get(
            "hnsw_ef_construction", settings.store.hnsw_ef_construction
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--batch", type=int, default=500, help="assets per store batch")
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="Build the archive in this folder and keep it; an interrupted build there "
        "resumes where it stopped.",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Only measure the queries on the finished build in --keep (never build).",
    )
    parser.add_argument(
        "--build-only", action="store_true", help="Build (or finish) --keep; no queries."
    )
    parser.add_argument(
        "--build-max-s",
        type=float,
        default=None,
        help="Stop the build cleanly (resumable) after this many seconds of this run.",
    )
    parser.add_argument(
        "--ef",
        type=int,
        default=None,
        help="HNSW query beam (store.hnsw_ef_search) for the queries.",
    )
    parser.add_argument(
        "--cold-evict",
        action="store_true",
        help="Drop the archive's and the text model's files from the page cache before "
        "the cold first query (a cold disk, without touching the rest of the cache).",
    )
    parser.add_argument(
        "--vectors",
        choices=("chroma", "faiss"),
        default=None,
        help="Vector backend of a new build (store.vectors; a kept build keeps its own).",
    )
    parser.add_argument("--nprobe", type=int, default=None, help="faiss lists read per query")
    parser.add_argument(
        "--hold-cache",
        action="store_true",
        help="Lock the archive's files in the page cache during the queries (vmtouch), "
        "as a server's warm cache would hold them (see held_in_memory).",
    )
    parser.add_argument("--m", type=int, default=None, help="HNSW M of a new build")
    parser.add_argument(
        "--ef-construction", type=int, default=None, help="HNSW build beam of a new build"
    )
    parser.add_argument(
        "--sweep-ef",
        type=str,
        default="",
        help="Comma-separated query beams: only recall@50 and vector p50 for each.",
    )
    args = parser.parse_args()
    if (args.reuse or args.build_only) and args.keep is None:
        parser.error("--reuse and --build-only need --keep DIR")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    state = BuildState(folder, args.assets)
    if args.reuse and not state.data["complete"]:
        raise SystemExit(f"{folder} holds no finished build (run without --reuse to finish it)")
    # Through the environment, so that the cold-start and sweep processes open it too.
    backend = state.data.setdefault("vectors", args.vectors or "chroma")
    os.environ["ASSISTANT_STORE__VECTORS"] = backend
    if args.nprobe:
        os.environ["ASSISTANT_STORE__FAISS__NPROBE"] = str(args.nprobe)
    try:
        if not state.data["complete"]:
            settings = load_settings("test", data_dir=folder)
            settings.store.hnsw_m = args.m or settings.store.hnsw_m
            settings.store.hnsw_ef_construction = (
                args.ef_construction or settings.store.hnsw_ef_construction
            )
            archive = Archive.open(settings, model_overrides={"clip": None})
            until = time.time() + args.build_max_s if args.build_max_s else None
            build(archive, state, args.batch, until)
            archive.close()
            del archive
        if not state.data["complete"]:  # stopped early: say how far it got
            print(json.dumps(build_report(folder, state)))
            return
        if args.sweep_ef:
            print(json.dumps(sweep_ef(folder, state.data, args)))
            return
        if args.build_only:
            print(json.dumps(build_report(folder, state)))
            return
        backfill = backfill_rows(folder)
        cold = cold_start(folder, args.cold_evict)
        with held_in_memory(folder, args.hold_cache) as cache:
            figures = measure(folder, state.data, args, np.random.default_rng(12))
        figures.update(cold)
        figures["rows_backfill_s"] = backfill
        figures["page_cache_during_queries"] = cache
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    report = {
        **build_report(folder, state),
        **figures,
        "rss_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "vectors": "random unit vectors (clustered), dim 384; queries real MiniLM text",
        "loadavg": loadavg(),
        "nice": os.nice(0),
        "cpus": os.cpu_count(),
    }
    print(json.dumps(report))


def build_report(folder: Path, state: BuildState) -> dict[str, Any]:
    data = state.data
    sizes = {"catalog": 0, "index": 0}
    for path in folder.rglob("*"):
        if path.is_file() and path.name.startswith("catalog"):
            sizes["catalog"] += path.stat().st_size
        elif path.is_file() and "truth" not in path.name and "thumbnails" not in path.parts:
            sizes["index"] += path.stat().st_size
    return {
        "assets": data["assets"],
        "built": data["done"],
        "complete": data["complete"],
        "vector_backend": data.get("vectors", "chroma"),
        "segments": data["segments"],
        "text_vectors": data["text_vectors"],
        "meaning_vectors": data["meaning_vectors"],
        "build_s": round(data["build_s"], 1),
        "build_assets_per_s": round(data["done"] / max(data["build_s"], 1e-9), 1),
        "build_phases_s": {k: round(v, 1) for k, v in data.get("build_phases_s", {}).items()},
        "build_runs": data["build_runs"],
        "catalog_bytes_per_asset": round(sizes["catalog"] / max(data["done"], 1)),
        "index_bytes_per_asset": round(sizes["index"] / max(data["done"], 1)),
    }


if __name__ == "__main__":
    main()
