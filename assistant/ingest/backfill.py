"""Filling in CLIP vectors for visual segments stored while no CLIP weights were present,
without redoing anything else: the picture comes from the segment's thumbnail, or, if that
is gone, from the source file (the photo, or the video frame at the segment's start)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from assistant.archive import Archive
from assistant.ingest.encoders import encode_pictures, in_batches
from assistant.media.decode import frame_at
from assistant.media.images import open_image
from assistant.models.base import ImageTextEncoder
from assistant.progress import ProgressSink
from assistant.schemas import Segment
from assistant.store.catalog import Catalog


def _picture(catalog: Catalog, segment: Segment, max_pixels: int) -> Image.Image:
    if segment.thumbnail and Path(segment.thumbnail).is_file():
        with Image.open(segment.thumbnail) as thumb:
            return thumb.convert("RGB")
    asset = catalog.get_asset(segment.asset_id)
    if asset is None:
        raise FileNotFoundError(segment.asset_id)
    if asset.kind == "image":
        return open_image(Path(asset.path), max_pixels).image
    return frame_at(Path(asset.path), segment.start_s or 0.0)


def fill_visual_vectors(
    archive: Archive, clip: ImageTextEncoder, progress: ProgressSink | None = None
) -> tuple[int, list[str]]:
    """Embed every unembedded visual segment; return (count filled, problems)."""
    pending = archive.catalog.unembedded_visual_segments()
    filled, problems = 0, []
    batch_size = archive.settings.ingest.batch_size
    max_pixels = archive.settings.ingest.max_image_pixels
    for part in in_batches(len(pending), batch_size):
        segments, pictures = [], []
        for segment in pending[part]:
            try:
                pictures.append(_picture(archive.catalog, segment, max_pixels))
                segments.append(segment)
            except Exception as exc:
                problems.append(f"{segment.segment_id}: cannot regenerate picture: {exc}")
        if not segments:
            continue
        vectors = encode_pictures(clip, pictures, batch_size)
        archive.vectors.upsert(
            "visual", [s.segment_id for s in segments], vectors, [s.asset_id for s in segments]
        )
        archive.catalog.mark_embedded([s.segment_id for s in segments])
        filled += len(segments)
        if progress is not None:
            progress.update("visual vectors", filled, len(pending))
    return filled, problems
