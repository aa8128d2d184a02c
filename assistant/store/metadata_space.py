"""Metadata meaning as a vector space of its own in the index ("meta"), kept in step.

Each asset's metadata gist (store/metadata_text.py) is embedded once into the `meta`
space (vector id = asset id). Every metadata write that changes a gist marks the asset in
the catalog's `meaning_stale` table (SQL triggers, so no writer can forget); `sync`
embeds what is marked, in batches, and deletes vectors of assets that have no gist any
more. Ingest syncs at the end of a run; the engine syncs at most SYNC_PER_QUERY gists
before a query, so an edit is searchable on the next query and a query's cost stays
bounded however much changed. There is no size cap: the index does the nearest-neighbour
search, with the filters inside it.
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant.models.base import TextEncoder
from assistant.store.catalog import Catalog
from assistant.store.vectors.base import META_SPACE, VectorIndex

SPACE = META_SPACE
SYNC_BATCH = 256
# Gists embedded before one query at most (~1 s of MiniLM on 2 busy cores).
SYNC_PER_QUERY = 256


def stale_batches(catalog: Catalog, size: int) -> Iterator[list[tuple[str, str | None]]]:
    """Batches of (asset_id, gist or None) still to sync; each batch must be cleared
    (catalog.clear_meaning_stale) before the next is read."""
    while True:
        batch = catalog.stale_meaning(size)
        if not batch:
            return
        yield batch


def sync(
    catalog: Catalog,
    vectors: VectorIndex,
    encoder: TextEncoder,
    limit: int | None = None,
    *,
    backfill: bool = True,
) -> int:
    """Embed changed gists into the `meta` space (at most `limit`); returns how many.
    `backfill` first checks whether the space is empty while gists exist (an index made
    before this space): a count of the space, so a warm engine checks once, not per query."""
    if backfill and not catalog.stale_meaning(1) and vectors.count(SPACE) == 0:
        catalog.mark_all_meaning_stale()  # an index made before this space existed
    done = 0
    for batch in stale_batches(catalog, SYNC_BATCH):
        gone = [asset_id for asset_id, gist in batch if gist is None]
        fresh = [(asset_id, gist) for asset_id, gist in batch if gist is not None]
        if gone:
            vectors.delete_assets(SPACE, gone)
        if fresh:
            ids = [asset_id for asset_id, _ in fresh]
            vectors.upsert(SPACE, ids, encoder.encode_passages([g for _, g in fresh]), ids)
        catalog.clear_meaning_stale([asset_id for asset_id, _ in batch])
        done += len(batch)
        if limit is not None and done >= limit:
            break
    return done
