"""Every stored pHash as one packed uint64 array, scanned with vectorised Hamming distance.

The engine keeps one HashIndex. It is read from the catalog once, then brought up to date
before each image query: when rows were only added since (the usual case: ingest appends
segments), just the new rows are read and appended; when some were deleted or replaced,
it is read again. Hex strings become integers in numpy, not in a Python loop. The array
holds every visual segment with a hash whatever its asset's status; hits are checked
against the catalog afterwards (SegmentLookup), as vector hits are.

Memory: 8 bytes per hash plus its segment and asset ids (about 100 bytes in Python).
"""

from __future__ import annotations

import threading
from collections.abc import Set as AbstractSet

import numpy as np

from assistant.store.catalog import Catalog

_HEX = np.full(256, 255, dtype=np.uint8)
for _i, _c in enumerate(b"0123456789abcdef"):
    _HEX[_c] = _i
for _i, _c in enumerate(b"ABCDEF"):
    _HEX[_c] = 10 + _i
# A hash that cannot be read is stored as this and treated as 64 bits from anything.
UNREADABLE = np.uint64(0)


def parse_hex(hashes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(uint64 values, readable mask) of 16-digit hex strings, vectorised."""
    if not hashes:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=bool)
    text = np.array(hashes, dtype=str)
    lengths = np.char.str_len(text)
    raw = np.char.encode(text, "ascii", "replace").astype("S16")
    digits = _HEX[np.frombuffer(raw.tobytes(), dtype=np.uint8).reshape(len(hashes), 16)]
    readable = (lengths == 16) & np.all(digits < 16, axis=1)
    shifts = np.arange(60, -4, -4, dtype=np.uint64)
    values = np.bitwise_or.reduce(digits.astype(np.uint64) << shifts, axis=1)
    return np.where(readable, values, UNREADABLE), readable


class HashIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: tuple[int, int] | None = None
        self._max_rowid = 0
        self.values = np.zeros(0, dtype=np.uint64)
        self.readable = np.zeros(0, dtype=bool)
        self.segment_ids: list[str] = []
        self.asset_ids = np.zeros(0, dtype="U16")

    def refresh(self, catalog: Catalog) -> None:
        """Bring the array up to date with the catalog (cheap when nothing changed)."""
        with self._lock:
            version = catalog.data_version()
            if version == self._version:
                return
            count, max_rowid = catalog.visual_hash_count()
            new = catalog.visual_hashes(self._max_rowid)
            if len(self.segment_ids) + len(new) != count:
                self._clear()  # something was deleted or replaced: read it all again
                new = catalog.visual_hashes(0)
            self._append(new)
            self._max_rowid = max(self._max_rowid, max_rowid)
            self._version = version

    def _clear(self) -> None:
        self._max_rowid = 0
        self.values = np.zeros(0, dtype=np.uint64)
        self.readable = np.zeros(0, dtype=bool)
        self.segment_ids = []
        self.asset_ids = np.zeros(0, dtype="U16")

    def _append(self, rows: list[tuple[int, str, str, str]]) -> None:
        if not rows:
            return
        values, readable = parse_hex([row[3] for row in rows])
        self.values = np.concatenate([self.values, values])
        self.readable = np.concatenate([self.readable, readable])
        self.segment_ids += [row[1] for row in rows]
        self.asset_ids = np.concatenate([self.asset_ids, np.array([r[2] for r in rows])])
        self._max_rowid = max(self._max_rowid, rows[-1][0])

    def distances(self, query: int, asset_ids: AbstractSet[str] | None) -> np.ndarray:
        """Bit distance of every stored hash to `query` (64 for unreadable hashes and for
        assets outside `asset_ids`)."""
        found = np.bitwise_count(self.values ^ np.uint64(query)).astype(np.int64)
        found[~self.readable] = 64
        if asset_ids is not None:
            found[~np.isin(self.asset_ids, np.array(sorted(asset_ids)))] = 64
        return found
