"""The assets a filtered query may return (catalog.filter_assets), in two forms:

- `ListedIds`, the ids themselves, for a filter passing at most `BROAD_FILTER_IDS` assets
  (their sorted JSON array made once: each signal's SQL takes it, `as_json`);
- `BroadFilter`: a filter passing more, kept as its SQL condition. Listing half of 10^6
  assets cost ~0.5 s a query before anything was searched; instead, full-text queries
  check the condition on each row they read, and the vector index checks only its
  candidates (`passing`). Its ids are read whole only by a caller that needs them all
  (an exact scan of every allowed row, another backend's id filter), once, then kept.

Both are read-only sets of asset ids to every caller (collections.abc.Set); `at_least`
and `passing` are the two questions a search asks without listing the ids.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from functools import cached_property
from typing import Any

# A filter passing more assets than this is kept as its condition (BroadFilter).
BROAD_FILTER_IDS = 50_000

Condition = tuple[str, list[Any]]


class ListedIds(frozenset[str]):
    """A filter's passing ids. The SQL of a filtered query's signals (full text, vector
    rows, metadata) takes them as one JSON array: made once here, not sorted and dumped
    five or six times a query (~3 ms each for a 1 % filter's 10k ids at 10^6 assets,
    all of it holding the GIL the signal threads share)."""

    @cached_property
    def json(self) -> str:
        return json.dumps(sorted(self))


def as_json(asset_ids: Iterable[str]) -> str:
    """The ids as a sorted JSON array of distinct ids (for `json_each`)."""
    if isinstance(asset_ids, ListedIds):
        return asset_ids.json
    return json.dumps(sorted(set(asset_ids)))


class BroadFilter(AbstractSet[str]):
    def __init__(
        self,
        condition: Condition,
        read_all: Callable[[], set[str]],
        check: Callable[[list[str]], set[str]],
        at_least: int,
    ) -> None:
        """`read_all` lists every passing id, `check` those of some ids that pass;
        `at_least` assets are known to pass (what the bounded first read counted)."""
        self.condition = condition
        self.at_least = at_least
        self._read_all = read_all
        self._check = check
        self._ids: set[str] | None = None

    def _all(self) -> set[str]:
        if self._ids is None:
            self._ids = self._read_all()
        return self._ids

    def passing(self, asset_ids: Iterable[str]) -> set[str]:
        """Those of `asset_ids` the filter passes (one query, or the ids if read)."""
        wanted = list(dict.fromkeys(asset_ids))
        if self._ids is not None:
            return {i for i in wanted if i in self._ids}
        return self._check(wanted) if wanted else set()

    def __contains__(self, asset_id: object) -> bool:
        return asset_id in self._all()

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __bool__(self) -> bool:
        return True  # at least BROAD_FILTER_IDS pass: known without counting them

    @classmethod
    def _from_iterable(cls, it: Iterable[Any]) -> set[Any]:
        return set(it)  # `&`, `|`, `-` with another set give a plain set


def at_least(asset_ids: AbstractSet[str]) -> int:
    """How many assets are allowed at least (exactly, unless it is a broad filter)."""
    return asset_ids.at_least if isinstance(asset_ids, BroadFilter) else len(asset_ids)


def passing(asset_ids: AbstractSet[str] | None, candidates: Iterable[str]) -> set[str]:
    """The candidates that are allowed (all of them when nothing is filtered)."""
    if asset_ids is None:
        return set(candidates)
    if isinstance(asset_ids, BroadFilter):
        return asset_ids.passing(candidates)
    return {c for c in candidates if c in asset_ids}
