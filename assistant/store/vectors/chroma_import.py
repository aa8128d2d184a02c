"""Import chromadb without its import-time signature checks (a cold start's biggest import).

chromadb marks ~160 methods with the `overrides` package's `@override`, which, when each
class is defined, disassembles the caller's bytecode to find the base classes and
compares the signatures: about half of `import chromadb` (0.5-2 s of a fresh process's
first query, bench/cold_start.py). The check is a development aid for chromadb's own
code; here `override` only marks the method (`__override__`, which the package's
`EnforceOverrides` metaclass reads), for the length of that one import.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

_lock = threading.Lock()


def _mark(method: Any = None, **_options: Any) -> Any:
    """`@override` and `@override(check_signature=...)`, marking only."""
    if method is None:
        return _mark
    method.__override__ = True
    return method


def import_chromadb() -> Any:
    """The chromadb module (imported once, quickly; as usual when already imported)."""
    if "chromadb" in sys.modules:
        return sys.modules["chromadb"]
    with _lock:
        if "chromadb" in sys.modules:
            return sys.modules["chromadb"]
        try:
            import overrides
        except ImportError:  # a chromadb without it: nothing to skip
            import chromadb

            return chromadb
        saved: dict[str, Callable[..., Any]] = {
            name: getattr(overrides, name) for name in ("override", "overrides")
        }
        for name in saved:
            setattr(overrides, name, _mark)
        try:
            import chromadb
        finally:
            for name, original in saved.items():
                setattr(overrides, name, original)
        return chromadb
