"""Embedding extracted segments in batches and writing them in the order that keeps the
archive consistent after a crash: asset `pending` → metadata → segments → vectors →
`indexed` (docs/internals.md). A `pending` asset found later is half-done and is removed."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable

import numpy as np

from assistant.archive import Archive
from assistant.enrich.people import store_faces
from assistant.enrich.voices import store_speakers
from assistant.ingest.encoders import encode_pictures, encode_texts
from assistant.ingest.extract import Extracted, thumbnail_dir
from assistant.models.base import ImageTextEncoder, TextEncoder
from assistant.store.vectors.base import SPACES
from assistant.vocabulary.kinds import TEXT_KINDS
from assistant.vocabulary.sources import INGEST_SOURCES


def embed_batch(
    items: list[Extracted],
    text: Callable[[], TextEncoder],
    clip: ImageTextEncoder | None,
    batch_size: int,
) -> list[dict[str, dict[str, np.ndarray]]]:
    """Vectors for a batch of extracted files, per file: {space: {segment_id: vector}}.

    All texts of the batch go through the text encoder together, and all pictures through
    CLIP together, so small files still fill the encoders' batches. The text encoder is
    asked for only when there is text (a photo-only archive never loads it)."""
    text_refs = [
        (i, s.segment_id, s.text)
        for i, item in enumerate(items)
        for s in item.segments
        if s.kind in TEXT_KINDS and s.text.strip() and s.segment_id not in item.text_vectors
    ]
    picture_refs = (
        [
            (i, sid, picture)
            for i, item in enumerate(items)
            for sid, picture in item.pictures.items()
        ]
        if clip is not None
        else []
    )
    out: list[dict[str, dict[str, np.ndarray]]] = [
        {
            "text": dict(item.text_vectors),
            "visual": dict(item.visual_vectors),
            "sound": dict(item.sound_vectors),
        }
        for item in items
    ]
    if text_refs:
        vectors = encode_texts(text(), [t for _, _, t in text_refs], batch_size)
        for (i, sid, _), vector in zip(text_refs, vectors, strict=True):
            out[i]["text"][sid] = vector
    if picture_refs and clip is not None:
        vectors = encode_pictures(clip, [p for _, _, p in picture_refs], batch_size)
        for (i, sid, _), vector in zip(picture_refs, vectors, strict=True):
            out[i]["visual"][sid] = vector
    return out


def store_extracted(
    archive: Archive, item: Extracted, vectors: dict[str, dict[str, np.ndarray]]
) -> None:
    store_batch(archive, [(item, vectors)])


def store_batch(
    archive: Archive,
    batch: list[tuple[Extracted, dict[str, dict[str, np.ndarray]]]],
    phases: dict[str, float] | None = None,
) -> None:
    """Write a batch of extracted files in the crash-safe order, batch-wide: old vectors
    deleted for all, then every asset `pending` with its metadata and segments in ONE
    catalog transaction, then each space's vectors in one upsert, then every asset
    `indexed` in one statement batch. (Per file, that was ~10 commits and 3-4 index
    round trips each: 19 files/s at 10k assets.) `phases`, when given, gets the seconds
    of each step added: vector_delete, catalog, vector_upsert, status."""
    if not batch:
        return
    clock = _Clock(phases)
    catalog = archive.catalog
    asset_ids = [item.asset.asset_id for item, _ in batch]
    for space in SPACES:
        archive.vectors.delete_assets(space, asset_ids)
    clock.lap("vector_delete")
    with catalog.transaction():
        for item, item_vectors in batch:
            _write_rows(archive, item, item_vectors)
    clock.lap("catalog")
    for space in {space for _, item_vectors in batch for space in item_vectors}:
        ids: list[str] = []
        owners: list[str] = []
        rows: list[np.ndarray] = []
        for item, item_vectors in batch:
            by_id = item_vectors.get(space) or {}
            ids += list(by_id)
            owners += [item.asset.asset_id] * len(by_id)
            rows += list(by_id.values())
        if ids:
            archive.vectors.upsert(space, ids, np.stack(rows), owners)
    clock.lap("vector_upsert")
    catalog.set_statuses(asset_ids, "indexed")
    clock.lap("status")


class _Clock:
    """Seconds per step of store_batch, added into a caller's dict (or nowhere)."""

    def __init__(self, phases: dict[str, float] | None) -> None:
        self.phases = phases
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        if self.phases is None:
            return
        now = time.perf_counter()
        self.phases[name] = self.phases.get(name, 0.0) + now - self.last
        self.last = now


def _write_rows(
    archive: Archive, item: Extracted, vectors: dict[str, dict[str, np.ndarray]]
) -> None:
    """One file's catalog rows, written `pending` (inside store_batch's transaction)."""
    asset_id = item.asset.asset_id
    catalog = archive.catalog
    catalog.put_asset(item.asset.model_copy(update={"status": "pending", "error": None}))
    catalog.clear_metadata(asset_id, INGEST_SOURCES)
    catalog.set_metadata(asset_id, item.metadata)
    visual = vectors.get("visual") or {}
    segments = [
        s.model_copy(update={"embedded": s.segment_id in visual}) if s.kind == "visual" else s
        for s in item.segments
    ]
    catalog.replace_segments(asset_id, segments)
    store_faces(archive, asset_id, item.faces)  # clustered into people; names proposed
    if item.asset.kind in ("audio", "video"):
        store_speakers(
            archive, asset_id, item.speakers, _sidecar_people(item), vectors_cleared=True
        )


def _sidecar_people(item: Extracted) -> list[str]:
    return next(
        (
            list(map(str, v.value))
            for v in item.metadata
            if v.field == "people" and v.source == "sidecar" and isinstance(v.value, list)
        ),
        [],
    )


def remove_asset(archive: Archive, asset_id: str) -> None:
    """Forget an asset: vectors first, then the catalog rows, then its thumbnails."""
    for space in SPACES:
        archive.vectors.delete_assets(space, [asset_id])
    archive.catalog.delete_asset(asset_id)
    shutil.rmtree(thumbnail_dir(archive.settings, asset_id), ignore_errors=True)


def clean_pending(archive: Archive) -> list[str]:
    """Remove assets a crashed run left `pending`; their files are redone by this run."""
    pending = [asset.asset_id for asset in archive.catalog.assets(status="pending")]
    for asset_id in pending:
        remove_asset(archive, asset_id)
    return pending
