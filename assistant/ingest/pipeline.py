"""The ingest run: scan → hash → (skip | move | replace) → sniff → extract → embed → store,
then fill in visual vectors that an earlier run without CLIP left out.

Incremental and resumable: an asset is identified by its content hash, stored `pending`
until its vectors are written, and a crashed run's `pending` leftovers are removed at the
start of the next. One bad file never stops the run: it is recorded as failed with the
reason.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.archive import Archive
from assistant.caches import ensure_numba_cache, own_caches
from assistant.errors import AssistantError
from assistant.ingest.backfill import fill_visual_vectors
from assistant.ingest.extract import Extracted, ExtractError
from assistant.ingest.jobs import ExtractJob, FileTask, InProcessEnv, extract_job, make_context
from assistant.ingest.languages import label_languages
from assistant.ingest.lock import data_dir_lock
from assistant.ingest.models import IngestModels
from assistant.ingest.report import ReportBuilder
from assistant.ingest.scan import scan
from assistant.ingest.sidecars import SidecarIndex
from assistant.ingest.store import (
    clean_pending,
    embed_batch,
    remove_asset,
    store_batch,
)
from assistant.ingest.supervisor import Supervisor, no_events, picklable_overrides
from assistant.ingest.warm_pool import kept_warm
from assistant.ingest.workers import WorkerSpec
from assistant.media.sniff import Sniffed, SniffError, sniff
from assistant.progress import NullProgress, ProgressSink
from assistant.schemas import Asset, IngestReport, MetadataValue
from assistant.store import metadata_space
from assistant.store.text_space import ensure_text_space

if TYPE_CHECKING:
    from assistant.ingest.distributed import RayWorkers

READ_CHUNK = 1 << 20
# Archive.extras key of the worker processes kept between runs.
WORKERS = "ingest-workers"


def hash_file(path: Path) -> tuple[str, int]:
    """(asset_id, size): the first 16 hex chars of the SHA-256 of the bytes."""
    digest = hashlib.sha256()
    size = 0
    # Non-blocking open: a pipe swapped in after the scan must not block the run.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise OSError(errno.EINVAL, "not a regular file")
    with open(descriptor, "rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest()[:16], size


def file_too_large(path: Path, max_mb: int) -> str | None:
    try:
        size = path.stat().st_size
    except OSError:
        return None  # reading it says why
    if size > max_mb * 1_000_000:
        return (
            f"file too large ({size / 1e9:.1f} GB; ingest.max_file_mb is {max_mb}); "
            "raise the limit if the file is genuine"
        )
    return None


def read_error(exc: OSError) -> str:
    return f"cannot read file: {exc.strerror or exc}"


@dataclass
class Prepared:
    """A file that needs extracting this run."""

    path: Path
    asset: Asset
    sniffed: Sniffed
    sidecar: list[MetadataValue] = field(default_factory=list)


class IngestRun:
    def __init__(
        self,
        archive: Archive,
        root: Path,
        report: ReportBuilder,
        progress: ProgressSink,
        models: IngestModels,
        pool: ThreadPoolExecutor,
        job: ExtractJob = extract_job,
        workers: Supervisor | RayWorkers | None = None,
    ) -> None:
        self.archive, self.root, self.report, self.progress = archive, root, report, progress
        self.models, self.pool, self.job, self.workers = models, pool, job, workers
        if workers is not None:
            workers.events = self._worker_event
        self._tasks = 0
        self._jit_checked = False
        self.catalog = archive.catalog
        self.claimed: dict[str, Path] = {}  # asset_id -> path that holds it this run
        self.hashes: dict[Path, str] = {}
        self.done = 0
        self.total = 0
        self.media_seconds = 0.0
        self.sidecars: SidecarIndex | None = None
        self._count_lock = threading.Lock()
        self._stage_counts: dict[str, int] = {}
        self.env = InProcessEnv(archive.settings, make_context(models, pool, self._stage))
        # Embedding and storing a batch overlaps extracting the next (one batch in flight).
        self._store_pool: ThreadPoolExecutor | None = None
        self._storing: Future[None] | None = None

    # --- outcomes -------------------------------------------------------------------------
    def _finished(self, path: Path, status: str, kind: str | None = None) -> None:
        self.report.outcome(status, kind)
        with self._count_lock:
            self.done += 1
            done = self.done
        self.progress.update("files", done, self.total, self._rel(path))

    @contextmanager
    def _stage(self, name: str) -> Iterator[None]:
        """Time a stage for the report and count it on its own progress bar."""
        with self.report.stage(name):
            yield
        self._count_stage(name)

    def _count_stage(self, name: str) -> None:
        with self._count_lock:
            self._stage_counts[name] = count = self._stage_counts.get(name, 0) + 1
        self.progress.update(name, count, 0)

    def _fail(self, path: Path | str, reason: str, content_hash: str | None = None) -> None:
        shown = self._rel(path) if isinstance(path, Path) else path
        self.report.failure(shown, reason)
        stored = str(path) if isinstance(path, Path) else path
        self.catalog.record_failure(
            stored, str(self.root), reason, content_hash, self.report.report.run_id
        )

    def _rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    # --- the run --------------------------------------------------------------------------
    def run(self) -> None:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-store") as pool:
            self._store_pool = pool
            try:
                self._run()
            finally:
                self._wait_for_store()

    def _run(self) -> None:
        found = scan(
            self.root,
            exclude=(self.archive.settings.data_dir,),
            follow_outside_links=self.archive.settings.ingest.follow_outside_links,
        )
        self.total = len(found.media) + len(found.bad_names)
        for full, shown, reason in found.bad_names:
            self.report.failure(shown, reason)
            self.catalog.record_failure(
                full, str(self.root), reason, None, self.report.report.run_id
            )
            self.report.outcome("failed")
            self.done += 1
        self.sidecars = SidecarIndex(
            self.root,
            found.media,
            found.sidecars,
            self.archive.settings.ingest.max_sidecar_kb * 1024,
        )
        batch: list[Prepared] = []
        media: list[Prepared] = []
        batch_size = self.archive.settings.ingest.batch_size
        # Big files go alone (their frames fill the batch), or one per Ray actor at once.
        media_batch = self.workers.media_batch if self.workers is not None else 1
        for path in found.media:
            prepared = self.prepare(path)
            if prepared is None:
                continue
            if prepared.asset.kind in ("video", "audio"):
                media.append(prepared)
                if len(media) >= media_batch:
                    self.process(media)
                    media = []
            else:
                batch.append(prepared)
                if len(batch) >= batch_size:
                    self.process(batch)
                    batch = []
        self.process(media)
        self.process(batch)
        # metadata.csv files are read while their media are; now their own problems show.
        for sheet, problem in self.sidecars.sheet_problems():
            self.report.warn(f"{self._rel(sheet)}: {problem}")
        self._mark_missing()

    def _mark_missing(self) -> None:
        """Assets of this root whose file is gone leave search but keep everything else
        (curated metadata included): the same content found later is restored, not redone."""
        for asset in self.catalog.assets(status="indexed"):
            if asset.root != str(self.root) or asset.asset_id in self.claimed:
                continue
            if Path(asset.path).exists():
                continue
            self.catalog.set_status(asset.asset_id, "missing", f"file no longer at {asset.path}")
            self.report.warn(
                f"{asset.rel_path} is gone since the last run; it is out of "
                "search until the file is back (its metadata is kept)"
            )
            self._finished(Path(asset.path), "missing", asset.kind)

    def prepare(self, path: Path) -> Prepared | None:
        """Hash, sidecars, and the incremental decision. None when nothing is left to do."""
        too_big = file_too_large(path, self.archive.settings.ingest.max_file_mb)
        if too_big:
            self._fail(path, too_big)
            self._finished(path, "failed")
            return None
        try:
            with self._stage("hash"):
                asset_id, size = hash_file(path)
        except OSError as exc:
            self._fail(path, read_error(exc))
            self._finished(path, "failed")
            return None
        self.hashes[path] = asset_id
        sidecar = self._sidecar_metadata(path)
        if size == 0:
            self._fail(path, "empty file (0 bytes)", asset_id)
            self._finished(path, "failed")
            return None
        if asset_id in self.claimed:
            self.report.warn(
                f"{self._rel(path)} is a copy of {self._rel(self.claimed[asset_id])}"
                " (same content); it is indexed once"
            )
            self._finished(path, "duplicate")
            return None
        self.claimed[asset_id] = path
        existing = self.catalog.get_asset(asset_id)
        if existing is not None and existing.status in ("indexed", "missing"):
            self._known(path, existing, sidecar)
            return None
        for old in self.catalog.assets_at_path(str(path)):
            if old.asset_id != asset_id:  # the file changed: its old content goes
                remove_asset(self.archive, old.asset_id)
        try:
            sniffed = sniff(path)
        except (SniffError, OSError) as exc:
            reason = read_error(exc) if isinstance(exc, OSError) else str(exc)
            self._fail(path, reason, asset_id)
            self._finished(path, "failed")
            return None
        if sniffed is None:
            self._finished(path, "unsupported")
            return None
        asset = Asset(
            asset_id=asset_id,
            path=str(path),
            root=str(self.root),
            rel_path=self._rel(path),
            kind=sniffed.kind,
            mime=sniffed.mime,
            size_bytes=size,
            status="pending",
        )
        return Prepared(path, asset, sniffed, sidecar)

    def _known(self, path: Path, existing: Asset, sidecar: list[MetadataValue]) -> None:
        """Already indexed: note a move, refresh sidecar metadata, nothing else."""
        old = Path(existing.path)
        status = "skipped"
        if existing.status == "missing":
            self.catalog.move_asset(existing.asset_id, str(path), str(self.root), self._rel(path))
            self.catalog.set_status(existing.asset_id, "indexed")
            status = "restored"
        elif old != path:
            if old.exists() and self._hash_of(old) == existing.asset_id:
                self.report.warn(
                    f"{self._rel(path)} is a copy of {existing.rel_path} "
                    "(same content); it is indexed once"
                )
                self._finished(path, "duplicate", existing.kind)
                return
            self.catalog.move_asset(existing.asset_id, str(path), str(self.root), self._rel(path))
            status = "moved"
        self.catalog.clear_metadata(existing.asset_id, ["sidecar"])
        self.catalog.set_metadata(existing.asset_id, sidecar)
        self.catalog.clear_failure(str(path))
        self._finished(path, status, existing.kind)

    def _hash_of(self, path: Path) -> str | None:
        if path not in self.hashes:
            try:
                self.hashes[path] = hash_file(path)[0]
            except OSError:
                return None
        return self.hashes[path]

    def _sidecar_metadata(self, path: Path) -> list[MetadataValue]:
        assert self.sidecars is not None
        found = self.sidecars.metadata_for(path)
        for sidecar, problem in found.problems:
            reason = f"bad sidecar: {problem} (the media file is still ingested)"
            self.report.warn(f"{self._rel(sidecar)}: {reason}")
            self._fail(sidecar, reason)
        for sidecar in found.used:
            if not any(p == sidecar for p, _ in found.problems):
                self.catalog.clear_failure(str(sidecar))
        return found.values

    def _worker_event(self, kind: str, payload: Any) -> None:
        """What workers report: stage times (as in-process stages) and warnings."""
        if kind == "stage_done":
            name, seconds = payload
            self.report.add_seconds(name, seconds)
            self._count_stage(name)
        elif kind == "progress":  # files per Ray node
            self.progress.update(payload[0], payload[1], 0, payload[2])
        elif kind == "warn" and self.report.warn(payload):
            self.progress.notice(payload)

    # --- extract, embed, store ------------------------------------------------------------
    def _task(self, item: Prepared) -> FileTask:
        self._tasks += 1
        return FileTask(self._tasks, item.asset, item.path, item.sniffed)

    def _check_jit(self, batch: list[Prepared]) -> None:
        """Before the run's first sound: probe the compiled-code cache music analysis uses."""
        if self._jit_checked or not any(i.asset.kind == "audio" for i in batch):
            return
        self._jit_checked = True
        with self._stage("jit cache check"):
            problem = ensure_numba_cache()
        if problem:
            self.report.warn(problem)

    def _extract_many(self, batch: list[Prepared]) -> list[Extracted | str]:
        self._check_jit(batch)
        tasks = [self._task(item) for item in batch]
        if self.workers is not None:
            return self.workers.run(tasks)
        if len(tasks) == 1:
            return [self._extract_one(tasks[0])]
        return list(self.pool.map(self._extract_one, tasks))

    def _extract_one(self, task: FileTask) -> Extracted | str:
        """In-process extraction (ingest.workers = 0); workers do the same in workers.py."""
        try:
            return self.job(task, self.env)
        except ExtractError as exc:
            return str(exc)
        except OSError as exc:
            return read_error(exc)
        except AssistantError:
            raise
        except Exception as exc:
            return f"unexpected error while reading the file: {type(exc).__name__}: {exc}"

    def process(self, batch: list[Prepared]) -> None:
        if not batch:
            return
        self.progress.working_on([self._rel(item.path) for item in batch], self.done, self.total)
        results = self._extract_many(batch)
        ready: list[tuple[Prepared, Extracted]] = []
        for item, result in zip(batch, results, strict=True):
            if isinstance(result, str):
                self._fail(item.path, result, item.asset.asset_id)
                self._finished(item.path, "failed", item.asset.kind)
            else:
                result.metadata = item.sidecar + result.metadata
                label_languages(result, self.models.language)
                ready.append((item, result))
        self._wait_for_store()
        if ready:
            assert self._store_pool is not None
            self._storing = self._store_pool.submit(self._embed_and_store, ready)

    def _wait_for_store(self) -> None:
        storing, self._storing = self._storing, None
        if storing is not None:
            storing.result()  # re-raises a failure of the store thread here

    def _embed_and_store(self, ready: list[tuple[Prepared, Extracted]]) -> None:
        with self._stage("embed"):
            vectors = embed_batch(
                [r for _, r in ready],
                self.models.text,
                self.models.clip,
                self.archive.settings.ingest.batch_size,
            )
        with self._stage("store"):
            store_batch(self.archive, [(r, v) for (_, r), v in zip(ready, vectors, strict=True)])
        for item, extracted in ready:
            self.catalog.clear_failure(str(item.path))
            seconds = extracted.asset.duration_s or 0.0
            self.report.created(len(extracted.segments), seconds)
            with self._count_lock:
                self.media_seconds += seconds
                minutes = round(self.media_seconds / 60, 2)
            self.progress.update("media minutes", minutes, 0)
            self._finished(item.path, "indexed", extracted.asset.kind)


def _check_root(root: Path) -> Path:
    if not root.is_dir():
        raise AssistantError(
            f"{root} is not a folder.", hint="Give the folder that holds the archive's files."
        )
    return root.resolve()


@contextmanager
def _worker_pool() -> Iterator[ThreadPoolExecutor]:
    # Decoders, ctranslate2 and torch release the GIL: a few threads overlap their work.
    workers = max(2, min(4, os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest") as pool:
        yield pool


@contextmanager
def _supervisor(archive: Archive, job: ExtractJob) -> Iterator[Supervisor | RayWorkers | None]:
    """Worker processes for the run (started first, so they load while files are hashed),
    or None for in-process extraction (ingest.workers = 0)."""
    if archive.settings.ingest.ray:  # actors on a Ray cluster (ingest/distributed.py)
        from assistant.ingest.distributed import ray_workers

        with ray_workers(archive, job) as distributed:
            yield distributed
        return
    size = archive.settings.ingest.workers
    if size <= 0:
        yield None
        return
    spec = WorkerSpec.for_run(archive, job, picklable_overrides)
    with kept_warm(
        archive.extras, WORKERS, (spec, size), lambda: Supervisor(spec, size, no_events)
    ) as pool:
        yield pool


def ingest_folder(
    archive: Archive,
    root: Path | str,
    progress: ProgressSink | None = None,
    *,
    job: ExtractJob | None = None,
    wait: bool = False,
) -> IngestReport:
    """Ingest every file under `root` into the archive; return the run report.

    `job` replaces the per-file extraction (jobs.py; tests use it to crash a worker);
    `wait` queues behind another ingest of the same data dir instead of refusing."""
    root = _check_root(Path(root))
    progress = progress or NullProgress()
    own_caches()
    with data_dir_lock(archive.settings.data_dir, wait, progress.notice):
        return _ingest(archive, root, progress, job or extract_job)


def _ingest(archive: Archive, root: Path, progress: ProgressSink, job: ExtractJob) -> IngestReport:
    report = ReportBuilder(str(root))
    report.report.run_id = archive.catalog.start_run(str(root), datetime.now(UTC).isoformat())
    cleaned = clean_pending(archive)
    if cleaned:
        report.warn(
            f"{len(cleaned)} file(s) left half-ingested by an interrupted run "
            "were cleaned up and are redone now"
        )
    reembedded = ensure_text_space(archive, progress)
    if reembedded:
        report.warn(
            f"text search: re-embedded {reembedded} stored passage(s) with "
            f"{archive.models.text().name} (the archive was built with another "
            "text encoder)"
        )
    with _supervisor(archive, job) as workers:
        models = IngestModels(archive.settings, archive.models, report, progress)
        with _worker_pool() as pool:
            IngestRun(archive, root, report, progress, models, pool, job, workers).run()
    if models.clip is not None:
        with report.stage("visual backfill"):
            filled, problems = fill_visual_vectors(archive, models.clip, progress)
        if filled:
            report.warn(
                f"visual search: filled in {filled} CLIP vector(s) for pictures "
                "indexed earlier without them"
            )
        for problem in problems:
            report.warn(problem)
    if archive.catalog.stale_meaning(1):
        with report.stage("metadata meaning"):
            # Changed metadata gists into the index's `meta` space (metadata_space.py).
            metadata_space.sync(archive.catalog, archive.vectors, archive.models.text())
    final = report.finish()
    archive.catalog.finish_run(final.run_id or 0, final)
    return final
