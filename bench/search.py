"""Vector search latency: our ChromaIndex (HNSW) against brute-force numpy, same data.

Synthetic random L2-normalised vectors (dim 384, the text space's size), 10 segments per
asset, in a temporary embedded Chroma. `--data uniform` draws them uniformly on the
sphere: every point is nearly equidistant from every other, the worst case for any
approximate index. `--data clustered` (default) draws them around 1 per 50 random topic
centres (cosine to the centre about 0.7), and queries near random centres, which is
closer to how sentence embeddings of a real archive lie. For each tier: insert time, then warm query
latency p50/p95 (ms) for top-k queries, unfiltered and with a filter allowing 1 % of the
assets (passed into the index, as the engine does), beside numpy brute force on the same
matrix. Prints one JSON object.

    .venv/bin/python bench/search.py                 # 10k and 100k
    .venv/bin/python bench/search.py --million       # also 1M (long: see insert rates)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.store.vectors.chroma import ChromaIndex

DIM = 384
SEGMENTS_PER_ASSET = 10


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    vectors = rng.standard_normal((n, DIM), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def clustered_vectors(
    rng: np.random.Generator, centres: np.ndarray, n: int, noise: float = 0.05
) -> np.ndarray:
    """Points scattered around randomly chosen centres (noise per dimension)."""
    picked = centres[rng.integers(0, len(centres), n)]
    points = picked + rng.standard_normal((n, DIM), dtype=np.float32) * noise
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def dataset(
    rng: np.random.Generator, n: int, queries: int, kind: str
) -> tuple[np.ndarray, np.ndarray]:
    if kind == "uniform":
        return unit_vectors(rng, n), unit_vectors(rng, queries)
    centres = unit_vectors(rng, max(1, n // 50))
    return clustered_vectors(rng, centres, n), clustered_vectors(rng, centres, queries)


def percentiles(samples: list[float]) -> dict[str, float]:
    ms = np.asarray(samples) * 1000
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
    }


def time_queries(run: Any, queries: np.ndarray, warmup: int) -> dict[str, float]:
    for query in queries[:warmup]:
        run(query)
    samples = []
    for query in queries[warmup:]:
        started = time.perf_counter()
        run(query)
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def brute_force(matrix: np.ndarray, query: np.ndarray, k: int) -> np.ndarray:
    scores = matrix @ query
    top = np.argpartition(-scores, k)[:k]
    return top[np.argsort(-scores[top])]


def recall_at_k(index: ChromaIndex, matrix: np.ndarray, queries: np.ndarray, k: int) -> float:
    """Share of the exact top-k that the HNSW index returns (approximation quality)."""
    found = 0
    for query in queries:
        exact = {f"s{i}" for i in brute_force(matrix, query, k)}
        found += len(exact & {i for i, _ in index.query("text", query, k)})
    return round(found / (k * len(queries)), 4)


def tier(n: int, args: argparse.Namespace, rng: np.random.Generator) -> dict[str, Any]:
    matrix, queries = dataset(rng, n, args.queries + args.warmup, args.data)
    ids = [f"s{i}" for i in range(n)]
    assets = [f"a{i // SEGMENTS_PER_ASSET}" for i in range(n)]
    with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
        index = ChromaIndex(Path(folder))
        started = time.perf_counter()
        index.upsert("text", ids, matrix, assets)
        insert_s = time.perf_counter() - started
        allowed = {f"a{i}" for i in range(0, n // SEGMENTS_PER_ASSET, 100)}  # 1 % of assets
        chroma = time_queries(lambda q: index.query("text", q, args.k), queries, args.warmup)
        filtered = time_queries(
            lambda q: index.query("text", q, args.k, allowed),
            queries[: args.warmup + args.queries // 4],
            args.warmup,
        )
        recall = recall_at_k(index, matrix, queries[: min(50, len(queries))], args.k)
    numpy_times = time_queries(lambda q: brute_force(matrix, q, args.k), queries, args.warmup)
    return {
        "segments": n,
        "insert_s": round(insert_s, 1),
        "insert_per_s": round(n / insert_s),
        "chroma": chroma,
        "chroma_filtered_1pct_assets": filtered,
        "numpy_brute_force": numpy_times,
        "speedup_p50": round(numpy_times["p50_ms"] / max(chroma["p50_ms"], 1e-6), 2),
        "hnsw_recall_at_k": recall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--million",
        action="store_true",
        help="Also run the 1M-segment tier (insertion takes long).",
    )
    parser.add_argument("--tiers", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--k", type=int, default=50, help="top-k (the engine's candidates)")
    parser.add_argument("--data", choices=["clustered", "uniform"], default="clustered")
    args = parser.parse_args()
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    rng = np.random.default_rng(7)
    tiers = list(args.tiers) + ([1_000_000] if args.million else [])
    results = [tier(n, args, rng) for n in tiers]
    report: dict[str, Any] = {
        "benchmark": "vector search, dim 384, cosine",
        "data": args.data,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "k": args.k,
        "queries": args.queries,
        "warmup": args.warmup,
        "tiers": results,
    }
    if not args.million:
        slowest = max(results, key=lambda r: r["segments"])
        minutes = 1_000_000 / slowest["insert_per_s"] / 60
        report["million_tier"] = (
            f"skipped (opt-in with --million): inserting 1M vectors at the "
            f"{slowest['segments']:,}-tier rate would take about {minutes:.0f} min"
        )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
