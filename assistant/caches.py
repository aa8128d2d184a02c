"""Caches the project owns: numba's compiled code (librosa), torch hub and Hugging Face
files live under the project's cache folder, not in site-packages or shared user caches.

numba writes its cache next to the library by default; a process killed while writing it
(or two compiling at once) left it corrupt, and every later run segfaulted on import
(shared/MODELS.md). Our own folder can be probed in a subprocess and rebuilt. The
variables must be set before the libraries that read them are imported: entry points call
`own_caches()` first thing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

# Environment variable -> folder under the cache root.
CACHE_VARS = {
    "NUMBA_CACHE_DIR": "numba",
    "TORCH_HOME": "torch",
    "HF_HOME": "huggingface",
    "MPLCONFIGDIR": "matplotlib",
}
# Written after a probe of the numba cache passed; its content names the library versions.
PROBED = ".probed"
PROBE_TIMEOUT_S = 600.0


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "archive-assistant"


def own_caches(root: Path | None = None) -> dict[str, str]:
    """Point the JIT and model caches under `root` (default: the user cache folder) unless
    the user set them already; return the variables in effect."""
    root = root or cache_root()
    for name, folder in CACHE_VARS.items():
        if not os.environ.get(name):
            os.environ[name] = str(root / folder)
    return {name: os.environ[name] for name in CACHE_VARS}


def numba_dir() -> Path:
    return Path(os.environ.get("NUMBA_CACHE_DIR") or cache_root() / "numba")


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in ("numba", "librosa", "numpy"):
        try:
            found.append(f"{package}=={version(package)}")
        except PackageNotFoundError:
            found.append(f"{package} absent")
    return " ".join(found)


_PROBE = """
import numpy as np
from assistant.enrich.music import music_metadata
t = np.arange(16000 * 6) / 16000.0
beats = (np.sin(2 * np.pi * 2.0 * t) > 0.99).astype(np.float32)
music_metadata((0.3 * np.sin(2 * np.pi * 440.0 * t) + beats).astype(np.float32))
"""


def probe_numba_cache() -> str | None:
    """Run the music analysis once in a subprocess against our numba cache; None when it
    works, else what went wrong (the process died, e.g. signal 11 on a corrupt cache)."""
    try:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        done = subprocess.run(
            [sys.executable, "-c", _PROBE], capture_output=True, timeout=PROBE_TIMEOUT_S, env=env
        )
    except subprocess.TimeoutExpired:
        return f"the probe did not finish in {PROBE_TIMEOUT_S:.0f} s"
    if done.returncode == 0:
        return None
    if done.returncode < 0:
        return f"the probe crashed (signal {-done.returncode})"
    return f"the probe failed: {done.stderr.decode(errors='replace').strip()[-300:]}"


def ensure_numba_cache() -> str | None:
    """Probe the numba cache once per library versions; a failing probe wipes the cache and
    probes again (a rebuild). Returns a warning for the run report, or None."""
    folder = numba_dir()
    marker = folder / PROBED
    versions = _versions()
    if marker.is_file() and marker.read_text() == versions:
        return None
    problem = probe_numba_cache()
    if problem is None:
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_text(versions)
        return None
    forget_numba_cache()
    again = probe_numba_cache()
    if again is None:
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_text(versions)
        return f"the compiled-code cache ({folder}) was broken ({problem}) and was rebuilt"
    return (
        f"music analysis does not work on this machine ({again}); music files get no "
        "tempo or key until it does"
    )


def forget_numba_cache() -> None:
    """Delete our numba cache (it is rebuilt on next use) and the probe's mark."""
    shutil.rmtree(numba_dir(), ignore_errors=True)
