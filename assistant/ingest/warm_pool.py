"""Worker pools kept warm on the archive between ingests.

A server ingests again and again; starting worker processes or Ray actors (and loading
their models) for each run would cost more than many small runs. So a run's pool stays
on `Archive.extras` afterwards, and the next run takes it back if it still fits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar


class Pool(Protocol):
    # What the pool was started for: the run's WorkerSpec and where its workers run (a
    # process count, a Ray address). A kept pool serves the next run that asks the same.
    @property
    def started_for(self) -> tuple[object, object]: ...

    def close(self) -> None: ...


PoolT = TypeVar("PoolT", bound=Pool)


@contextmanager
def kept_warm(
    extras: dict[str, Any],
    key: str,
    started_for: tuple[object, object],
    start: Callable[[], PoolT],
) -> Iterator[PoolT]:
    """The pool kept under `key` when it was `started_for` the same, else a fresh one from
    `start`. It goes back into `extras` (the archive's, closed with it), idle and warm,
    when the run ends; a failed run closes it, since its workers may be mid-file."""
    kept: PoolT | None = extras.pop(key, None)
    if kept is not None and kept.started_for != started_for:
        kept.close()
        kept = None
    pool = kept or start()
    try:
        yield pool
    except BaseException:
        pool.close()
        raise
    extras[key] = pool
