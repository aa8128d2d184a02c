"""Distributed ingest on Ray (`assistant ingest --ray auto|ADDRESS`), driver side.

The run is the same as a local one (scan, hash, resume, store); only the per-file work
moves: each file goes to an ingest actor (`ray_actor.NodeIngest`, one per node unless
`ingest.ray_actors_per_node` says more), which runs the job seam and embeds on its node.
Answers come back to this process, the single catalog and vector writer. Like the local
supervisor, a file whose actor dies (a native crash, Ray's memory monitor) or overruns
its time limit gets a fresh actor and one more try, then fails alone with a reason.

Every node must see the archive (and the data dir, where thumbnails are written) at the
same path, with the project and its models installed: files travel by path, not bytes.
"""

from __future__ import annotations

import logging
import pickle
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from assistant.archive import Archive
from assistant.errors import AssistantError
from assistant.ingest.extract import Extracted
from assistant.ingest.jobs import ExtractJob, FileTask
from assistant.ingest.ray_actor import NodeIngest
from assistant.ingest.supervisor import START_GRACE_S, EventSink, no_events
from assistant.ingest.warm_pool import kept_warm
from assistant.ingest.workers import WorkerSpec
from assistant.media.decode import MediaDecodeError, probe_duration

RAY = "ingest-ray"
# A model override bigger than this pickled is a loaded model: the node loads its own.
SMALL_OVERRIDE_BYTES = 1 << 20
INSTALL_HINT = "Install it with: pip install 'archive-assistant[ray]' (make setup does)."


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise AssistantError("Ray is not installed.", hint=INSTALL_HINT) from exc
    return ray


def node_overrides(overrides: dict[str, Any]) -> dict[str, Any]:
    """The overrides an actor receives: roles turned off (None) and small fakes (tests),
    including CLIP and the text encoder, which run on the node. Loaded models stay here."""
    kept: dict[str, Any] = {}
    for role, value in overrides.items():
        if role == "llm":
            continue
        try:
            size = len(pickle.dumps(value))
        except Exception:
            continue
        if size <= SMALL_OVERRIDE_BYTES:
            kept[role] = value
    return kept


@dataclass
class _Node:
    node_id: str
    label: str  # short id and address, as progress shows it


@dataclass
class _Slot:
    node: _Node
    actor: Any
    fresh: bool = True  # its models load on the first file: that file gets a start grace
    task: FileTask | None = None
    ref: Any = None
    tries: int = 0
    deadline: float = 0.0


def _connect(address: str) -> None:
    ray = _ray()
    if ray.is_initialized():
        return
    try:
        ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise AssistantError(
            f"Cannot reach the Ray cluster at {address!r}: {exc}",
            hint="Start one with `ray start --head` (and `ray start --address HEAD:PORT` "
            "on each other node), then give `--ray auto` or `--ray HEAD:PORT`.",
        ) from exc


def _nodes(cpus: float) -> list[_Node]:
    nodes = []
    for info in _ray().nodes():
        if info.get("Alive") and info.get("Resources", {}).get("CPU", 0) >= cpus:
            node_id = info["NodeID"]
            label = f"{node_id[:6]} ({info.get('NodeManagerAddress', '?')})"
            nodes.append(_Node(node_id, label))
    if not nodes:
        raise AssistantError(
            f"The Ray cluster has no live node with {cpus:g} free CPU for an ingest actor.",
            hint="Lower ingest.ray_cpus_per_actor or add nodes (`ray start --address ...`).",
        )
    return sorted(nodes, key=lambda n: n.node_id)


class RayWorkers:
    """`run(tasks)` -> for each task its Extracted or the reason it failed, in order (the
    local Supervisor's contract). `per_node` counts the files each node answered."""

    def __init__(self, spec: WorkerSpec, address: str, events: EventSink) -> None:
        self.spec, self.address, self.events = spec, address, events
        self.started_for = (spec, address)
        self.limits = spec.settings.ingest
        _connect(address)
        ray = _ray()
        self._remote = ray.remote(
            num_cpus=self.limits.ray_cpus_per_actor, max_restarts=0, max_task_retries=0
        )(NodeIngest)
        nodes = _nodes(self.limits.ray_cpus_per_actor)
        per_node = max(1, self.limits.ray_actors_per_node)
        self.slots = [_Slot(node, self._start(node)) for node in nodes for _ in range(per_node)]
        self.per_node: Counter[str] = Counter()
        self._first_failure: dict[int, str] = {}

    @property
    def size(self) -> int:
        return len(self.slots)

    @property
    def media_batch(self) -> int:
        """Videos and sounds are sent one per actor at once: each node takes a long file."""
        return max(1, len(self.slots))

    def _start(self, node: _Node) -> Any:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        # soft: if that node is gone, the replacement may start elsewhere
        where = NodeAffinitySchedulingStrategy(node.node_id, soft=True)
        return self._remote.options(scheduling_strategy=where).remote(self.spec)

    def close(self) -> None:
        ray = _ray()
        for slot in self.slots:
            ray.kill(slot.actor, no_restart=True)
        self.slots = []
        ray.shutdown()

    # --- one batch --------------------------------------------------------------------
    def run(self, tasks: list[FileTask]) -> list[Extracted | str]:
        ray = _ray()
        pending = [(task, 1) for task in tasks]
        results: dict[int, Extracted | str] = {}
        while len(results) < len(tasks):
            self._dispatch(pending)
            busy = [s for s in self.slots if s.ref is not None]
            timeout = max(0.0, min(s.deadline for s in busy) - time.monotonic())
            done, _ = ray.wait([s.ref for s in busy], num_returns=1, timeout=timeout)
            for slot in busy:
                if slot.ref in done:
                    self._collect(slot, pending, results)
                elif time.monotonic() >= slot.deadline:
                    self._lost(slot, pending, results, self._timeout_reason(slot))
        for task in tasks:
            self._first_failure.pop(task.key, None)
        return [results[task.key] for task in tasks]

    def _dispatch(self, pending: list[tuple[FileTask, int]]) -> None:
        for slot in self.slots:
            if slot.ref is None and pending:
                task, tries = pending.pop(0)
                grace = START_GRACE_S if slot.fresh else 0.0
                slot.task, slot.tries = task, tries
                slot.deadline = time.monotonic() + grace + self._limit(task)
                slot.ref = slot.actor.run.remote(task)

    def _limit(self, task: FileTask) -> float:
        """The local supervisor's limit: limit_s + limit_per_media_s x the media's length
        (read from the header here, since an actor reports only when it is done)."""
        seconds = 0.0
        if task.sniffed.kind in ("video", "audio"):
            try:
                seconds = probe_duration(task.path) or 0.0
            except MediaDecodeError:
                seconds = 0.0  # the job says why it cannot be read
        return self.limits.limit_s + self.limits.limit_per_media_s * seconds

    def _collect(
        self, slot: _Slot, pending: list[tuple[FileTask, int]], results: dict[int, Any]
    ) -> None:
        ray = _ray()
        try:
            answer = ray.get(slot.ref)
        except ray.exceptions.RayActorError as exc:
            self._lost(slot, pending, results, self._death_reason(slot, exc))
            return
        task = slot.task
        assert task is not None
        slot.ref, slot.task, slot.fresh = None, None, False
        for name, seconds in answer.stages:
            self.events("stage_done", (name, seconds))
        for message in answer.warnings:
            self.events("warn", message)
        if answer.fatal is not None:
            raise AssistantError(answer.fatal[0], hint=answer.fatal[1])
        first = self._first_failure.get(task.key)
        if first and isinstance(answer.result, Extracted):
            self.events(
                "warn", f"{task.asset.rel_path}: {first} on the first try; the second try worked"
            )
        self.per_node[slot.node.label] += 1
        count = self.per_node[slot.node.label]
        self.events("progress", (f"files on node {slot.node.label}", count, task.asset.rel_path))
        results[task.key] = answer.result

    def _lost(
        self,
        slot: _Slot,
        pending: list[tuple[FileTask, int]],
        results: dict[int, Any],
        reason: str,
    ) -> None:
        """The actor died or overran: replace it on its node; retry the file once."""
        task, tries = slot.task, slot.tries
        assert task is not None
        _ray().kill(slot.actor, no_restart=True)
        slot.actor, slot.fresh = self._start(slot.node), True
        slot.ref, slot.task = None, None
        if tries == 1:
            self._first_failure[task.key] = reason
            pending.insert(0, (task, 2))
        else:
            results[task.key] = f"{reason}; it was retried once in a fresh actor"

    # --- reasons ------------------------------------------------------------------------
    def _death_reason(self, slot: _Slot, exc: Exception) -> str:
        del exc  # Ray's text is pages of possible causes; the log has it
        return (
            f"the file's analysis crashed its Ray ingest actor on node {slot.node.label} "
            "(a native crash, or killed for memory)"
        )

    def _timeout_reason(self, slot: _Slot) -> str:
        assert slot.task is not None
        return (
            f"the file's analysis did not finish within {self._limit(slot.task):.0f} s on "
            f"node {slot.node.label} (ingest.limit_s, plus ingest.limit_per_media_s per "
            "second of media)"
        )


@contextmanager
def ray_workers(archive: Archive, job: ExtractJob) -> Iterator[RayWorkers]:
    """The run's Ray actors, kept warm on the archive for its next ingest (a server's
    second ingest finds the models loaded), replaced when the settings changed."""
    address = archive.settings.ingest.ray
    assert address
    spec = WorkerSpec.for_run(archive, job, node_overrides)
    with kept_warm(
        archive.extras, RAY, (spec, address), lambda: RayWorkers(spec, address, no_events)
    ) as workers:
        yield workers
