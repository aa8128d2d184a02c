"""Recall@k of the approximate vector index against exact search, per vector distribution,
graph (M, ef_construction) and candidate depth k' (the graph's top k' re-ranked exactly
over the flat rows, store/vectors/rows.py). The vector index alone, through ChromaIndex.

Two distributions of N stored vectors, both queried with real all-MiniLM query vectors
(sentences held out of everything stored):
- `random`: bench/scale.py's archive vectors, random unit vectors clustered around
  N/50 random centres. A MiniLM query points nowhere near them: its best cosine is about
  0.23 where unrelated vectors spread with a deviation of 0.05, so the exact top 50 are
  separated by hundredths (the 50th and the 100th differ by 0.009 at 320k vectors). The
  worst case for a graph index, and no model of a real archive.
- `real`: real MiniLM geometry. `--base` sentences (docstrings of the installed Python
  packages: real English prose) are embedded as passages, and each stored vector is one
  of them mixed with a second at weight U(0, 0.5) plus noise 0.025 per dimension (a
  passage of an archive on the same subjects, cosine ~0.9 to its base). Queries are
  other real sentences, so they land where passages are, as in an archive.

The graph's beam is max(ef_search, k') (hnswlib), so a k' row is also the beam-k' row;
`rerank_changed` counts queries whose exact re-rank changed the top k (Chroma's distances
are exact float32 already, so only the deeper beam raises recall).

    python bench/recall.py --vectors 100000 --keep /tmp/recall-bench
    python bench/recall.py --vectors 400000 --faiss 16,32,64,128   # FaissIndex, per nprobe

`--faiss NPROBES` measures the compact index instead (store/vectors/faiss_index.py, IVF
with 8-bit codes, its top `candidates` re-ranked exactly), one build, one row per nprobe.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.store.vectors.chroma import ChromaIndex, HnswParams
from assistant.store.vectors.faiss_index import FaissIndex
from assistant.store.vectors.faiss_space import IvfParams
from assistant.store.vectors.rows import VectorRows

DIM = 384
BATCH = 5000
MIX_NOISE = 0.025
CLUSTER_NOISE = 0.05  # as bench/scale.py


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def docstring_sentences(limit: int) -> list[str]:
    """Distinct English sentences from the docstrings of the installed packages, in a
    fixed order (sorted files), 40-200 characters, mostly letters."""
    import numpy  # noqa: F401  (its folder: the site-packages to read)

    site = Path(np.__file__).resolve().parents[1]
    seen: set[str] = set()
    out: list[str] = []
    for path in sorted(site.glob("*/*.py")):
        try:
            tree = ast.parse(path.read_text(errors="ignore"))
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Module):
                continue
            doc = ast.get_docstring(node) or ""
            for part in re.split(r"(?<=[.!?])\s+", " ".join(doc.split())):
                letters = sum(c.isalpha() or c == " " for c in part)
                if 40 <= len(part) <= 200 and letters > 0.9 * len(part) and part not in seen:
                    seen.add(part)
                    out.append(part)
                    if len(out) >= limit:
                        return out
    return out


def encoder() -> Any:
    from assistant.archive import Archive
    from assistant.config import load_settings

    folder = Path(tempfile.mkdtemp(prefix="recall-enc-"))
    archive = Archive.open(load_settings("test", data_dir=folder), model_overrides={"clip": None})
    return archive.models.text()


def embeddings(folder: Path, base: int, queries: int) -> tuple[np.ndarray, np.ndarray]:
    """(base passage vectors, query vectors), cached in the folder: MiniLM is slow on
    two busy cores (about 40 passages/s)."""
    cache = folder / f"minilm-{base}-{queries}.npz"
    if cache.exists():
        saved = np.load(cache)
        return saved["base"], saved["queries"]
    sentences = docstring_sentences(base + queries)
    rng = np.random.default_rng(7)
    order = rng.permutation(len(sentences))
    held_out = [sentences[i] for i in order[:queries]]
    passages = [sentences[i] for i in order[queries:]]
    model = encoder()
    found = (model.encode_passages(passages), model.encode_queries(held_out))
    np.savez(cache, base=found[0], queries=found[1])
    return found


def vector_batches(kind: str, n: int, base: np.ndarray) -> Iterator[np.ndarray]:
    """The stored vectors of a distribution, in batches (seeded per batch)."""
    centres = unit(np.random.default_rng(12).standard_normal((max(8, n // 50), DIM)))
    for first in range(0, n, BATCH):
        rng = np.random.default_rng([12, first])
        size = min(BATCH, n - first)
        noise = rng.standard_normal((size, DIM)).astype(np.float32)
        if kind == "random":
            yield unit(centres[rng.integers(0, len(centres), size)] + noise * CLUSTER_NOISE)
        else:
            main, other = (
                base[rng.integers(0, len(base), size)],
                base[rng.integers(0, len(base), size)],
            )
            weight = rng.uniform(0, 0.5, (size, 1)).astype(np.float32)
            yield unit(main + weight * other + noise * MIX_NOISE)


def build(folder: Path, kind: str, n: int, m: int, efc: int, base: np.ndarray) -> dict[str, Any]:
    """The index of one distribution and graph, built once (resumed by its count)."""
    index = open_index(folder, m, efc, 0)
    done = index.count("text")
    started = time.perf_counter()
    truth = folder / "truth.f32"
    for first, matrix in zip(range(0, n, BATCH), vector_batches(kind, n, base), strict=True):
        if first < done:
            continue
        ids = [f"v{first + i}" for i in range(len(matrix))]
        index.upsert("text", ids, matrix, ids)
        print(f"{kind} M{m}: {first + len(matrix)}/{n}", file=sys.stderr, flush=True)
    built = time.perf_counter() - started
    index.close()
    if not truth.exists() or truth.stat().st_size != n * DIM * 4:
        with truth.open("wb") as handle:
            for matrix in vector_batches(kind, n, base):
                handle.write(matrix.tobytes())
    return {"build_s": round(built, 1), "vectors_per_s": round((n - done) / max(built, 1e-9), 1)}


def open_index(folder: Path, m: int, efc: int, candidates: int) -> ChromaIndex:
    # ef_search below every k' measured: the beam of a k' row is k' itself.
    hnsw = HnswParams(m=m, ef_construction=efc, ef_search=50)
    return ChromaIndex(
        folder / "vectors", hnsw=hnsw, rows=VectorRows(folder / "rows"), candidates=candidates
    )


def exact(folder: Path, queries: np.ndarray, k: int) -> list[set[str]]:
    matrix = np.fromfile(folder / "truth.f32", dtype=np.float32).reshape(-1, DIM)
    scores = queries @ matrix.T
    top = np.argpartition(-scores, k, axis=1)[:, :k]
    return [{f"v{j}" for j in row} for row in top]


def sweep(
    folder: Path, m: int, efc: int, queries: np.ndarray, depths: list[int], k: int
) -> list[dict[str, Any]]:
    truth = exact(folder, queries, k)
    rows = []
    for depth in depths:
        index = open_index(folder, m, efc, depth)
        samples, found, changed = [], 0, 0
        for query, want in zip(queries, truth, strict=True):
            started = time.perf_counter()
            hits = index.query("text", query, k)
            samples.append(time.perf_counter() - started)
            found += len(want & {i for i, _ in hits})
            if depth > k:
                graph = index._nearest(index._collection("text"), query, depth, None)[0][:k]
                changed += [i for i, _ in graph] != [i for i, _ in hits]
        ms = np.asarray(samples[3:]) * 1000
        rows.append(
            {
                "k_prime": depth,
                "beam": max(50, depth),
                "recall_at_k": round(found / (k * len(queries)), 4),
                "p50_ms": round(float(np.percentile(ms, 50)), 1),
                "p95_ms": round(float(np.percentile(ms, 95)), 1),
                "rerank_changed": changed,
            }
        )
        index.close()
    return rows


def faiss_run(
    folder: Path, kind: str, n: int, base: np.ndarray, queries: np.ndarray, args: Any
) -> dict[str, Any]:
    """Build a FaissIndex of one distribution once, then recall and latency per nprobe."""
    place = folder / f"{kind}-{n}-faiss"
    index = FaissIndex(place / "faiss")
    started, done = time.perf_counter(), index.count("text")
    truth = place / "truth.f32"
    with truth.open("ab") as handle:
        for first, matrix in zip(range(0, n, BATCH), vector_batches(kind, n, base), strict=True):
            if first < done:
                continue
            ids = [f"v{first + i}" for i in range(len(matrix))]
            index.upsert("text", ids, matrix, ids)
            handle.write(matrix.tobytes())
    built = time.perf_counter() - started
    index.close()
    want = exact(place, queries, args.k)
    rows = []
    for nprobe in (int(p) for p in args.faiss.split(",")):
        index = FaissIndex(place / "faiss", IvfParams(nprobe=nprobe, candidates=args.candidates))
        samples, found = [], 0
        for query, expected in zip(queries, want, strict=True):
            begun = time.perf_counter()
            found += len(expected & {i for i, _ in index.query("text", query, args.k)})
            samples.append(time.perf_counter() - begun)
        ms = np.asarray(samples[3:]) * 1000
        rows.append(
            {
                "nprobe": nprobe,
                "candidates": args.candidates,
                "recall_at_k": round(found / (args.k * len(queries)), 4),
                "p50_ms": round(float(np.percentile(ms, 50)), 1),
                "p95_ms": round(float(np.percentile(ms, 95)), 1),
            }
        )
        index.close()
    rate = (n - done) / max(built, 1e-9)
    return {
        "vectors": kind,
        "index": "faiss",
        "build_s": round(built, 1),
        "vectors_per_s": round(rate, 1),
        "sweep": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=int, default=100_000)
    parser.add_argument("--base", type=int, default=3000, help="real sentences embedded")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--graphs", default="32:200", help="M:ef_construction, comma-separated")
    parser.add_argument("--kinds", default="real,random")
    parser.add_argument("--depths", default="50,100,200,400,800,1600")
    parser.add_argument("--keep", type=Path, default=None, help="build here, reuse later")
    parser.add_argument("--faiss", default="", help="nprobes: measure FaissIndex instead")
    parser.add_argument("--candidates", type=int, default=200, help="faiss: re-ranked exactly")
    args = parser.parse_args()
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-recall-"))
    folder.mkdir(parents=True, exist_ok=True)
    base, queries = embeddings(folder, args.base, args.queries)
    depths = [int(d) for d in args.depths.split(",")]
    results = []
    for kind in args.kinds.split(","):
        if args.faiss:
            results.append(faiss_run(folder, kind, args.vectors, base, queries, args))
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
            continue
        for graph in args.graphs.split(","):
            m, efc = (int(part) for part in graph.split(":"))
            place = folder / f"{kind}-{args.vectors}-m{m}-efc{efc}"
            built = build(place, kind, args.vectors, m, efc, base)
            table = sweep(place, m, efc, queries, depths, args.k)
            results.append(
                {"vectors": kind, "m": m, "ef_construction": efc, **built, "sweep": table}
            )
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    report = {
        "n_vectors": args.vectors,
        "k": args.k,
        "queries": f"{len(queries)} real MiniLM query vectors (held-out docstring sentences)",
        "base_sentences": len(base),
        "results": results,
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
        "nice": os.nice(0),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
