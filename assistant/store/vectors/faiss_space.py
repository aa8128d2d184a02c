"""One vector space's faiss index over its flat rows (rows.py): the label of a vector is
its row number, so the rows' SQLite says which id and asset a label is, and whether it
still counts (a deleted or re-embedded vector's row is no longer referenced there).

The index covers rows [0, upto): a space starts as an exact flat index and becomes an
IVF index with 8-bit scalar quantisation (about 1 byte a dimension, not 4) once it holds
`train_at` vectors, trained on a sample of its own rows. It is saved to
`<folder>/<space>.<upto>.faiss` (written aside, then renamed: the largest `upto` is the
newest) and, when reopened, catches up with the rows written since (another process's
ingest, or a run that stopped before saving).

A trained index is opened memory-mapped and read-only: opening it costs milliseconds, not
a read of the whole file (~1.3 GB of text lists at 10^6 assets, seconds before the first
query), and a query reads only the lists it probes. The first add or removal reads it
whole first (faiss cannot change a mapped index: it aborts the process), in `_writable`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.store.vectors.rows import VectorRows

logger = logging.getLogger(__name__)
_CHUNK = 100_000  # rows read and added at a time (memory stays bounded)
_FDS = Path("/proc/self/fd")  # a mapped index's file, read again by descriptor (Linux)


@dataclass(frozen=True)
class IvfParams:
    """config.StoreSettings.faiss_*: when a space is trained, its lists, the lists a
    query visits, and how many candidates are re-ranked exactly over the rows."""

    train_at: int = 50_000
    nlist: int = 2048
    nprobe: int = 192  # as config.FaissSettings
    candidates: int = 400
    train_per_list: int = 32


def _faiss() -> Any:
    import faiss  # imported on first use: a Chroma archive never loads it

    return faiss


def _threads(n: int) -> None:
    """faiss's OpenMP threads for the next call: all cores for adds and training, one
    for a single query (an OpenMP team on a busy machine waited 64 ms for cores where one
    thread answers in 11, at 32k vectors and load 10)."""
    _faiss().omp_set_num_threads(n)


def _unit(matrix: np.ndarray) -> np.ndarray:
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


class FaissSpace:
    def __init__(self, folder: Path, space: str, params: IvfParams) -> None:
        self.folder = folder
        self.space = space
        self.params = params
        self.index: Any = None
        self.upto = 0
        self.saved = (-1, False)  # (upto, removed since) of the file on disk
        self.changed = False
        self.mapped: int | None = None  # descriptor of the file `index` maps read-only
        self._load()

    # --- files --------------------------------------------------------------------------
    def _files(self) -> list[tuple[int, Path]]:
        found = []
        for path in self.folder.glob(f"{self.space}.*.faiss"):
            middle = path.name[len(self.space) + 1 : -len(".faiss")]
            if middle.isdigit():
                found.append((int(middle), path))
        return sorted(found)

    def _load(self) -> None:
        files = self._files()
        if not files:
            return
        upto, path = files[-1]
        try:
            self.index = self._open(path)
        except (RuntimeError, OSError) as exc:  # a damaged file: rebuilt from the rows
            logger.warning("cannot read %s (%s); rebuilding it from the rows", path, exc)
            self.index = None
            self._unmap()
            return
        self.upto, self.saved = upto, (upto, False)
        if self.trained:
            self.index.nprobe = self.params.nprobe  # the setting, not the file's

    def _open(self, path: Path) -> Any:
        """A trained index mapped read-only, keeping a descriptor of its file so that it
        can be read whole later even once another process's save replaced (unlinked) it;
        the flat form, or where /proc/self/fd is missing, read whole at once."""
        faiss = _faiss()
        if _FDS.is_dir():
            fd = os.open(path, os.O_RDONLY)
            try:
                index = faiss.read_index(
                    f"{_FDS}/{fd}", faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY
                )
            except RuntimeError:
                os.close(fd)
                raise
            if not isinstance(index, faiss.IndexIDMap):
                self.mapped = fd
                return index
            del index  # flat: small, and changed by every add until it is trained
            os.close(fd)
        return faiss.read_index(str(path))

    def _writable(self) -> None:
        """Before changing the index: a mapped one is read whole from its file (an add or
        removal on a read-only mapping aborts the process in faiss)."""
        if self.mapped is None:
            return
        self.index = _faiss().read_index(f"{_FDS}/{self.mapped}")
        self._unmap()
        if self.trained:
            self.index.nprobe = self.params.nprobe

    def _unmap(self) -> None:
        if self.mapped is not None:
            os.close(self.mapped)
            self.mapped = None

    def close(self) -> None:
        """Let go of the mapped file's descriptor (the index stays readable)."""
        self._unmap()

    def save(self) -> None:
        """Write the index if it changed since it was read or last written."""
        if self.index is None or not self.changed:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self.folder / f"{self.space}.{self.upto}.faiss"
        partial = final.with_name(f"{final.name}.{os.getpid()}.tmp")
        _faiss().write_index(self.index, str(partial))
        partial.replace(final)
        for upto, path in self._files():
            if upto < self.upto:
                path.unlink(missing_ok=True)
        self.saved, self.changed = (self.upto, False), False

    def due(self) -> bool:
        """Worth writing now: half as many rows again as the saved file (a killed ingest
        then redoes at most a third of the adds on the next open)."""
        return self.changed and self.upto - max(self.saved[0], 0) >= max(50_000, self.saved[0] // 2)

    def drop(self) -> None:
        self.index, self.upto, self.saved, self.changed = None, 0, (-1, False), False
        self._unmap()
        for _, path in self._files():
            path.unlink(missing_ok=True)

    # --- keeping up with the rows -------------------------------------------------------
    def sync(self, rows: VectorRows) -> None:
        """Add the rows written since `upto`; train once the space is big enough."""
        if self.upto > rows.file_rows(self.space) or (
            self.index is not None and self.index.d != rows.dim(self.space)
        ):
            self.drop()  # the space was dropped and written again
        end = rows.end(self.space)
        if end <= self.upto:
            return
        dim = rows.dim(self.space)
        assert dim is not None
        if self.index is None:
            self.index = self._flat(dim)
        for start in range(self.upto, end, _CHUNK):
            stop = min(end, start + _CHUNK)
            self._add(rows.read(self.space, slice(start, stop)), np.arange(start, stop))
        self.upto, self.changed = end, True
        if not self.trained and self.index.ntotal >= self.params.train_at:
            self._train(rows, dim)

    @property
    def trained(self) -> bool:
        # The untrained form is the flat IndexIDMap (_flat); the trained one is IVF.
        return self.index is not None and not isinstance(self.index, _faiss().IndexIDMap)

    def _flat(self, dim: int) -> Any:
        faiss = _faiss()
        return faiss.IndexIDMap(faiss.IndexFlatIP(dim))

    def _add(self, matrix: np.ndarray, labels: np.ndarray) -> None:
        self._writable()
        _threads(os.cpu_count() or 1)
        self.index.add_with_ids(_unit(matrix), np.ascontiguousarray(labels, dtype=np.int64))

    def _train(self, rows: VectorRows, dim: int) -> None:
        """Replace the flat index by IVF-SQ8 trained on a sample of the live rows, then
        add every live row to it."""
        faiss = _faiss()
        live = rows.live_rows(self.space)
        live = live[live < self.upto]
        nlist = max(1, min(self.params.nlist, len(live) // self.params.train_per_list))
        rng = np.random.default_rng(0)
        sample_size = min(len(live), nlist * self.params.train_per_list)
        sample = np.sort(rng.choice(live, sample_size, replace=False))
        index = faiss.IndexIVFScalarQuantizer(
            faiss.IndexFlatIP(dim),
            dim,
            nlist,
            faiss.ScalarQuantizer.QT_8bit,
            faiss.METRIC_INNER_PRODUCT,
        )
        _threads(os.cpu_count() or 1)
        index.cp.niter = 10  # 25 by default: 2.5x the training time for little recall
        index.train(_unit(rows.read(self.space, sample)))
        for start in range(0, len(live), _CHUNK):
            chunk = live[start : start + _CHUNK]
            index.add_with_ids(_unit(rows.read(self.space, chunk)), chunk)
        index.nprobe = self.params.nprobe
        self.index, self.changed = index, True
        logger.info("'%s': IVF-SQ8 index of %d lists over %d vectors", self.space, nlist, len(live))

    # --- reading ------------------------------------------------------------------------
    def remove(self, labels: list[int]) -> None:
        if self.index is None or not labels:
            return
        self._writable()
        faiss = _faiss()
        chosen = np.array(sorted(labels), dtype=np.int64)
        self.index.remove_ids(faiss.IDSelectorBatch(len(chosen), faiss.swig_ptr(chosen)))
        self.changed = True

    def search(self, vector: np.ndarray, n: int, allowed: np.ndarray | None = None) -> np.ndarray:
        """Labels of the n nearest (fewer when the index holds fewer), best first;
        `allowed`: only these labels (faiss's own id filter)."""
        if self.index is None or self.index.ntotal == 0:
            return np.zeros(0, dtype=np.int64)
        faiss = _faiss()
        query = _unit(np.asarray(vector, dtype=np.float32).reshape(1, -1))
        params = None
        if allowed is not None:
            chosen = np.ascontiguousarray(allowed, dtype=np.int64)
            selector = faiss.IDSelectorBatch(len(chosen), faiss.swig_ptr(chosen))
            params = (
                faiss.SearchParametersIVF(sel=selector, nprobe=self.params.nprobe)
                if self.trained
                else faiss.SearchParameters(sel=selector)
            )
        else:
            selector = None
        _threads(1)
        _, labels = self.index.search(query, n, params=params)
        del selector  # kept alive until the search is done
        found = labels[0]
        return found[found >= 0]
