"""Embedding extracted segments in batches and writing them in the order that keeps the
archive consistent after a crash: asset `pending` → metadata → segments → vectors →
`indexed` (docs/internals.md). A `pending` asset found later is half-done and is removed."""

from __future__ import annotations

import shutil
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
        if s.kind in TEXT_KINDS and s.text.strip()
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
        {"text": {}, "visual": dict(item.visual_vectors)} for item in items
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
    asset_id = item.asset.asset_id
    catalog = archive.catalog
    catalog.put_asset(item.asset.model_copy(update={"status": "pending", "error": None}))
    catalog.clear_metadata(asset_id, INGEST_SOURCES)
    catalog.set_metadata(asset_id, item.metadata)
    segments = [
        s.model_copy(update={"embedded": s.segment_id in vectors["visual"]})
        if s.kind == "visual"
        else s
        for s in item.segments
    ]
    for space in SPACES:
        archive.vectors.delete_assets(space, [asset_id])
    catalog.replace_segments(asset_id, segments)
    store_faces(archive, asset_id, item.faces)  # clustered into people; names proposed
    if item.asset.kind in ("audio", "video"):
        store_speakers(archive, asset_id, item.speakers, _sidecar_people(item))
    for space, by_id in vectors.items():
        if by_id:
            ids = list(by_id)
            archive.vectors.upsert(
                space, ids, np.stack([by_id[i] for i in ids]), [asset_id] * len(ids)
            )
    catalog.set_status(asset_id, "indexed")


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
