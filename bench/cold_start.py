"""The cold first query of a fresh process, stage by stage: imports, archive open, text
encoder load, first encode, first search (SearchEngine.run), with the bytes each stage
read from disk (/proc/self/io read_bytes: page-cache misses only).

    python bench/cold_start.py DIR            # DIR: an archive's data dir
    python bench/cold_start.py DIR --evict    # first drop DIR's files and the text
                                              # model's from the page cache (cold disk)

Prints one JSON object. `--evict` asks the kernel to forget only those files' cached
pages (posix_fadvise DONTNEED), so a cold-cache run needs no root and leaves the rest of
the machine's cache alone; the Python libraries stay cached (a cold machine reads those
too: see `read_mb` of the import stage on a first run after heavy IO).
bench/scale.py runs this in a subprocess for its `cold_first_s` and `cold_stages`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

_STARTED = time.perf_counter()
_STARTED_AT = time.time()  # wall clock: the parent (bench/scale.py) adds the interpreter's start
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUERY = "energy prices in winter"


def read_bytes() -> int:
    """Bytes this process made the kernel read from storage (0 when not on Linux)."""
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("read_bytes:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def evict(paths: list[Path]) -> int:
    """Drop these files' pages from the page cache; bytes of the files named."""
    from assistant.retrieval.warm_up import advise

    files = [p for root in paths for p in ([root] if root.is_file() else root.rglob("*"))]
    return advise([p for p in files if p.is_file()], os.POSIX_FADV_DONTNEED, flush=True)


class Stages:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, float]] = {}
        self._at = _STARTED
        self._read = read_bytes()

    def done(self, name: str) -> None:
        now, read = time.perf_counter(), read_bytes()
        self.rows[name] = {
            "s": round(now - self._at, 3),
            "read_mb": round((read - self._read) / 2**20, 1),
        }
        self._at, self._read = now, read


def text_model_folder(settings: Any) -> Path | None:
    from assistant.models.registry import ModelRegistry

    path = ModelRegistry(settings.models).resolve("text")
    return Path(path) if path else None


def main() -> None:
    args = sys.argv[1:]
    folder = Path(args[0])
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    if "--evict" in args or "--evict-only" in args:
        from assistant.config import load_settings

        model = text_model_folder(load_settings("test", data_dir=folder))
        evicted = evict([folder] + ([model] if model else []))
        if "--evict-only" in args:  # bench/scale.py evicts, then times a clean process
            print(json.dumps({"evicted_mb": round(evicted / 2**20, 1)}))
            return
        # A fresh interpreter for the timed part: nothing imported or read by the eviction.
        os.environ["COLD_START_EVICTED"] = str(evicted)
        os.execv(sys.executable, [sys.executable, __file__, str(folder)])
    evicted = int(os.environ.pop("COLD_START_EVICTED", "0"))
    stages = Stages()
    from assistant.archive import Archive
    from assistant.config import load_settings
    from assistant.retrieval.engine import search_engine
    from assistant.schemas import SearchQuery

    stages.done("imports")
    settings = load_settings("test", data_dir=folder)
    archive = Archive.open(settings, model_overrides={"clip": None})
    engine = search_engine(archive)
    stages.done("open")
    encoder = archive.models.text()
    # What the first query loads: the torch-free query model where there is one.
    from assistant.models.text import SentenceTransformerEncoder  # built by now: no cost

    if isinstance(encoder, SentenceTransformerEncoder):
        encoder.query_model()
    stages.done("encoder_load")
    engine.query_vector(QUERY)  # kept by the engine: the search below does not encode again
    stages.done("first_encode")
    if "--profile" in args:
        import cProfile

        cProfile.runctx("engine.run(SearchQuery(text=QUERY, k=10))", globals(), locals(), args[-1])
    outcome = engine.run(SearchQuery(text=QUERY, k=10))
    stages.done("first_search")
    total = time.perf_counter() - _STARTED
    report = {
        "cold_first_s": round(total, 2),
        "started_at": _STARTED_AT,
        "answered_at": _STARTED_AT + total,
        "stages": stages.rows,
        "encoder": type(encoder).__name__,
        "clips": len(outcome.clips),
        "evicted_mb": round(evicted / 2**20, 1),
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
    }
    archive.close()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
