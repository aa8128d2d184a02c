"""store/catalog.py reads on a connection per thread: concurrent searches do not queue on
one connection, a reader never sees another thread's uncommitted write, and the writing
thread reads its own rows inside its transaction."""

from __future__ import annotations

import threading
from pathlib import Path

from assistant.schemas import Asset
from assistant.store.catalog import Catalog
from tests.helpers.builders import asset_row


def _asset(asset_id: str) -> Asset:
    return asset_row("/m", asset_id, "document", asset_id, status="indexed")


def _read_elsewhere(catalog: Catalog, asset_id: str) -> bool:
    seen: list[bool] = []
    reader = threading.Thread(target=lambda: seen.append(catalog.get_asset(asset_id) is not None))
    reader.start()
    reader.join()
    return seen[0]


def test_readers_see_commits_not_a_transaction_in_progress(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    catalog.put_asset(_asset("before"))
    assert _read_elsewhere(catalog, "before")
    with catalog.transaction():
        catalog.put_asset(_asset("pending"))
        assert catalog.get_asset("pending") is not None  # the writer reads its own row
        assert not _read_elsewhere(catalog, "pending")  # not committed yet
    assert _read_elsewhere(catalog, "pending") and catalog.get_asset("pending") is not None
    catalog.close()


def test_each_thread_reads_on_its_own_connection_and_close_closes_them(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    catalog.put_asset(_asset("a"))
    assert _read_elsewhere(catalog, "a") and _read_elsewhere(catalog, "a")
    assert catalog.get_asset("a") is not None
    assert len(catalog._opened) == 3  # two reader threads and this one
    version = catalog.data_version()
    catalog.put_asset(_asset("b"))
    assert catalog.data_version() != version  # counted on the writer's connection
    catalog.close()
    assert catalog._opened == []
