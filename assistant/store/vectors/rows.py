"""Every vector of a space also as a row of a flat float32 file, for exact search of few
assets: the rows of the allowed assets are found in SQLite (indexed by asset) and scored
with numpy over the memory-mapped file. Asking Chroma for those vectors instead (a `get`
with an `$in` of a thousand asset ids) took 0.5-0.6 s at 10^5 assets; this is milliseconds,
and reads only the pages of the rows it scores (bench/scale.py, text + 1 % filter).

Layout, under the data dir's `vector_rows/`:
- `<space>.f32`: rows appended, never rewritten (a re-embedded vector gets a new row; the
  old one is left unreferenced until the space is dropped);
- `rows.sqlite`: `rows(space, id, asset_id, row)` and `spaces(space, dim, complete)`.
  A space is `complete` when every vector of the index is here: created empty beside an
  empty index space, or copied from the index (`backfill`). An incomplete space is not
  used (the index answers, as before).
Writers append under an exclusive file lock (an ingest beside `assistant serve`), and a
row is referenced only after its bytes are written, so a reader never scores a torn row.
"""

from __future__ import annotations

import fcntl
import json
import mmap
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from assistant.store import asset_scope
from assistant.store.vectors.exact import cosine_top

_SCHEMA = """
CREATE TABLE IF NOT EXISTS spaces (space TEXT PRIMARY KEY, dim INTEGER NOT NULL,
                                   complete INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS rows (space TEXT NOT NULL, id TEXT NOT NULL,
                                 asset_id TEXT NOT NULL, row INTEGER NOT NULL,
                                 PRIMARY KEY (space, id));
-- Covering, rows in row order within an asset: a 1 % filter's 31k rows at 10^6 assets are read
-- from the index alone (40 -> 30 ms), and an asset's ids without a walk of the whole space
-- (which ORDER BY row chose over rows_by_asset). It replaces rows_by_asset (built once).
CREATE INDEX IF NOT EXISTS rows_by_asset_row ON rows(space, asset_id, row, id);
DROP INDEX IF EXISTS rows_by_asset;
CREATE INDEX IF NOT EXISTS rows_by_row ON rows(space, row);
"""
# The rows of some ids or asset ids. Their row order is made in Python, not with ORDER BY
# row: given that, SQLite walks rows_by_row over the whole space to skip the sort (140 ms
# for 1,000 assets at 10^5 assets, against 5 ms through rows_by_asset_row).
# Driven from the wanted values (CROSS JOIN keeps that order): given a free choice, SQLite
# scanned the whole space through the covering index for a few ids.
IN_LOOKUP = (
    "SELECT r.id, r.row FROM json_each(?) j CROSS JOIN rows r ON r.space=? AND r.{column}=j.value"
)
ASSET_IDS = "SELECT id FROM rows WHERE space=? AND asset_id=? ORDER BY row"
_FLOAT = 4  # bytes of a float32


class VectorRows:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._db = sqlite3.connect(
            str(folder / "rows.sqlite"), check_same_thread=False, isolation_level=None
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.RLock()
        self._maps: dict[str, np.ndarray] = {}

    # --- what is here -------------------------------------------------------------------
    def known(self, space: str) -> bool:
        return self._space(space) is not None

    def complete(self, space: str) -> bool:
        found = self._space(space)
        return found is not None and bool(found[1])

    def _space(self, space: str) -> tuple[int, int] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT dim, complete FROM spaces WHERE space=?", (space,)
            ).fetchone()
        return (int(row[0]), int(row[1])) if row else None

    def _file(self, space: str) -> Path:
        return self.folder / f"{space}.f32"

    def dim(self, space: str) -> int | None:
        found = self._space(space)
        return found[0] if found else None

    def end(self, space: str) -> int:
        """One past the last referenced row (rows below it are in the file, whole)."""
        with self._lock:
            row = self._db.execute("SELECT max(row) FROM rows WHERE space=?", (space,)).fetchone()
        return 0 if row[0] is None else int(row[0]) + 1

    def file_rows(self, space: str) -> int:
        """Rows in the space's file (referenced or not): it only grows until a drop."""
        dim = self.dim(space)
        path = self._file(space)
        if dim is None or not path.exists():
            return 0
        return path.stat().st_size // (dim * _FLOAT)

    def count(self, space: str) -> int:
        with self._lock:
            return int(
                self._db.execute("SELECT count(*) FROM rows WHERE space=?", (space,)).fetchone()[0]
            )

    def asset_count(self, space: str) -> int:
        """Assets with a vector in the space (a walk of the asset index: cache it)."""
        with self._lock:
            found = self._db.execute(
                "SELECT count(*) FROM (SELECT DISTINCT asset_id FROM rows WHERE space=?)",
                (space,),
            ).fetchone()
        return int(found[0])

    def ids_of(self, space: str, asset_id: str) -> list[str]:
        with self._lock:
            found = self._db.execute(ASSET_IDS, (space, asset_id)).fetchall()
        return [str(i) for (i,) in found]

    def rows_where(self, space: str, column: str, values: Iterable[str]) -> list[int]:
        """Row numbers whose `column` ("id" or "asset_id") is one of `values`."""
        return [int(row) for row in self.row_numbers(space, column, values)]

    def live(self, space: str, rows: Iterable[int]) -> list[tuple[str, str, int]]:
        """(id, asset_id, row) of those rows still referenced (a deleted or re-embedded
        vector's old row is not), in row order."""
        with self._lock:
            found = self._db.execute(
                "SELECT id, asset_id, row FROM rows WHERE space=? AND row IN "
                "(SELECT value FROM json_each(?)) ORDER BY row",
                (space, json.dumps(sorted({int(r) for r in rows}))),
            ).fetchall()
        return [(str(i), str(a), int(r)) for i, a, r in found]

    def read(self, space: str, rows: np.ndarray | slice) -> np.ndarray:
        """The vectors of these rows (a copy, float32); a slice is read from the file in
        one go (sequential: the kernel reads ahead), not through the random-read map."""
        dim = self.dim(space)
        if dim is None:
            return np.zeros((0, 0), dtype=np.float32)
        if isinstance(rows, slice):
            start, stop, step = rows.indices(self.file_rows(space))
            count = max(0, stop - start) * dim
            block = np.fromfile(self._file(space), np.float32, count, offset=start * dim * _FLOAT)
            return block.reshape(-1, dim)[::step].copy() if step != 1 else block.reshape(-1, dim)
        return np.array(self._matrix(space, dim)[rows], dtype=np.float32)

    def live_rows(self, space: str) -> np.ndarray:
        """Every referenced row number, ascending."""
        with self._lock:
            found = self._db.execute(
                "SELECT row FROM rows WHERE space=? ORDER BY row", (space,)
            ).fetchall()
        return np.array([r for (r,) in found], dtype=np.int64)

    def scan(
        self, space: str, batch: int = 5000
    ) -> Iterator[tuple[list[str], np.ndarray, list[str]]]:
        """Every referenced vector in row order, in batches: (ids, matrix, asset ids)."""
        after = -1
        while True:
            with self._lock:
                found = self._db.execute(
                    "SELECT id, asset_id, row FROM rows WHERE space=? AND row>? "
                    "ORDER BY row LIMIT ?",
                    (space, after, batch),
                ).fetchall()
            if not found:
                return
            after = int(found[-1][2])
            matrix = self.read(space, np.array([r for _, _, r in found], dtype=np.int64))
            yield [str(i) for i, _, _ in found], matrix, [str(a) for _, a, _ in found]

    def top(
        self, space: str, rows: list[tuple[str, int]], vector: np.ndarray, k: int
    ) -> list[tuple[str, float]]:
        """Exact cosine top-k of `rows` ((id, row), in row order), best first."""
        dim = self.dim(space)
        if dim is None or not rows:
            return []
        matrix = self._matrix(space, dim)[[row for _, row in rows]]
        return [(rows[i][0], cosine) for i, cosine in cosine_top(matrix, vector, k)]

    # --- writes -------------------------------------------------------------------------
    def upsert(
        self,
        space: str,
        ids: list[str],
        vectors: np.ndarray,
        asset_ids: list[str],
        complete: bool = False,
    ) -> None:
        """Append the vectors (`complete`: the index's space was empty before, so these
        rows are all of it; only read when the space is new here)."""
        if not ids:
            return
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        with self._locked():
            known = self._space(space)
            if known is None:
                self._db.execute(
                    "INSERT INTO spaces (space, dim, complete) VALUES (?,?,?)",
                    (space, matrix.shape[1], int(complete)),
                )
                self._file(space).unlink(missing_ok=True)
            elif known[0] != matrix.shape[1]:
                raise ValueError(f"'{space}' rows hold dimension {known[0]}, not {matrix.shape[1]}")
            with self._file(space).open("ab") as handle:
                first = handle.seek(0, os.SEEK_END) // (matrix.shape[1] * _FLOAT)
                handle.write(matrix.tobytes())
            self._db.executemany(
                "INSERT INTO rows (space, id, asset_id, row) VALUES (?,?,?,?) ON CONFLICT"
                "(space, id) DO UPDATE SET asset_id=excluded.asset_id, row=excluded.row",
                [
                    (space, i, a, first + n)
                    for n, (i, a) in enumerate(zip(ids, asset_ids, strict=True))
                ],
            )

    def delete_assets(self, space: str, asset_ids: Iterable[str]) -> None:
        with self._lock:
            self._db.execute(
                "DELETE FROM rows WHERE space=? AND asset_id IN (SELECT value FROM json_each(?))",
                (space, json.dumps(sorted(set(asset_ids)))),
            )

    def drop(self, space: str) -> None:
        with self._locked():
            self._db.execute("DELETE FROM rows WHERE space=?", (space,))
            self._db.execute("DELETE FROM spaces WHERE space=?", (space,))
            self._maps.pop(space, None)
            self._file(space).unlink(missing_ok=True)

    def backfill(
        self, space: str, batches: Iterator[tuple[list[str], np.ndarray, list[str]]]
    ) -> int:
        """Copy every vector of an index space here (an index made before these rows);
        the space is used from then on. Returns how many were copied."""
        self.drop(space)
        copied = 0
        for ids, matrix, asset_ids in batches:
            self.upsert(space, ids, matrix, asset_ids)
            copied += len(ids)
        if copied:
            with self._lock:
                self._db.execute("UPDATE spaces SET complete=1 WHERE space=?", (space,))
        return copied

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """This process's lock, and the folder's file lock (other processes), in a
        transaction: the rows commit after their bytes are in the file."""
        with self._lock, (self.folder / "lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    # --- exact search -------------------------------------------------------------------
    def nearest(
        self, space: str, vector: np.ndarray, k: int, asset_ids: AbstractSet[str]
    ) -> list[tuple[str, float]]:
        """Exact cosine top-k over the vectors of `asset_ids`, best first."""
        return self._top_where(space, "asset_id", asset_ids, vector, k)

    def rerank(
        self, space: str, vector: np.ndarray, ids: list[str], k: int
    ) -> list[tuple[str, float]]:
        """Exact cosine top-k of the candidate `ids` (an index's oversampled answer),
        best first; ids without a row here are left out."""
        return self._top_where(space, "id", ids, vector, k)

    def _top_where(
        self, space: str, column: str, values: Iterable[str], vector: np.ndarray, k: int
    ) -> list[tuple[str, float]]:
        """Exact cosine top-k over the rows whose `column` ("id" or "asset_id") is one of
        `values`, read in row order (sequential pages of the memory-mapped file)."""
        return self.top_rows(space, self.row_numbers(space, column, values), vector, k)

    def row_numbers(self, space: str, column: str, values: Iterable[str]) -> np.ndarray:
        """The rows (ascending) whose `column` ("id" or "asset_id") is one of `values`.

        Numbers only, as one JSON array: a 1 % filter's 31k rows at 10^6 assets came back
        as (id, row) tuples in 33 ms, against 15 ms this way; the ids of the few rows a
        search keeps are read afterwards (`top_rows`)."""
        assert column in ("id", "asset_id")  # a column name, never user text
        wanted = asset_scope.as_json(values)
        if wanted == "[]" or self._space(space) is None:
            return np.zeros(0, dtype=np.int64)
        with self._lock:
            (found,) = self._db.execute(
                f"SELECT json_group_array(row) FROM ({IN_LOOKUP.format(column=column)})",
                (wanted, space),
            ).fetchone()
        return np.sort(np.array(json.loads(found), dtype=np.int64))

    def top_rows(
        self, space: str, rows: np.ndarray, vector: np.ndarray, k: int
    ) -> list[tuple[str, float]]:
        """Exact cosine top-k of these row numbers (ascending: the file is read forwards),
        best first, as (id, cosine); a row another writer let go meanwhile is left out."""
        dim = self.dim(space)
        if dim is None or not len(rows):
            return []
        best = cosine_top(self._matrix(space, dim)[rows], vector, k)
        ids = {row: i for i, _, row in self.live(space, [int(rows[j]) for j, _ in best])}
        return [(ids[int(rows[j])], c) for j, c in best if int(rows[j]) in ids]

    def _matrix(self, space: str, dim: int) -> np.ndarray:
        """The space's file, memory-mapped (mapped again when another writer grew it).

        Mapped for random reads (MADV_RANDOM): a query reads a few hundred scattered rows,
        and the kernel's read-ahead around each one read 2.6 GB of a cold 4.9 GB file at
        10^6 assets (the first query's 2 s). Sequential reads go through `read`."""
        size = self._file(space).stat().st_size
        mapped = self._maps.get(space)
        if mapped is not None and mapped.shape[0] * dim * _FLOAT == size:
            return mapped
        if size == 0:
            return np.zeros((0, dim), dtype=np.float32)
        with self._file(space).open("rb") as handle:
            mapping = mmap.mmap(handle.fileno(), size, access=mmap.ACCESS_READ)
        if hasattr(mmap, "MADV_RANDOM"):  # Linux, and most Unixes
            mapping.madvise(mmap.MADV_RANDOM)
        whole = size // (dim * _FLOAT) * dim  # floats of whole rows (a writer may be mid-row)
        fresh = np.frombuffer(mapping, dtype=np.float32, count=whole).reshape(-1, dim)
        self._maps[space] = fresh
        return fresh

    def close(self) -> None:
        with self._lock:
            self._maps.clear()
            self._db.close()
