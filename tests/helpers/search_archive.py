"""A small archive written straight into catalog + vector index, for retrieval tests.

Text segments get real all-MiniLM embeddings (the packaged model); pictures are real
Debian photos (thumbnails + pHash); a fake CLIP with hand-made vectors stands in where a
test needs the visual space (plumbing only, no quality claim).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from assistant.archive import Archive
from assistant.config import Settings, load_settings
from assistant.media.images import phash_hex
from assistant.models.base import TextEncoder
from assistant.schemas import MetadataValue, Segment
from samples.stand_ins import FixedTranscriber, spoken_line
from tests.helpers.builders import asset_row

PHOTOS = Path("/usr/share/doc/opencv-doc/examples/data")

VIDEO_LINES = [
    (0.0, 8.0, "Good morning and welcome to the council briefing on the city budget."),
    (8.0, 16.0, "The commissioner warned that energy prices will rise sharply this winter."),
    (16.0, 24.0, "Families should expect heating bills of around 340 euros a month."),
    (40.0, 48.0, "Questions from journalists followed about the new tram line."),
]
RADIO_LINES = [
    (0.0, 6.0, "Heavy rain flooded the river road near the old stone bridge."),
    (6.0, 12.0, "The national football team won the final match on Sunday."),
]
DOC_CHUNKS = [
    "The harbour authority reported that container volumes rose by twelve percent.",
    "Local fishermen said new quotas on cod threaten small family boats.",
]


@dataclass(frozen=True)
class Ids:
    video: str = "a1000000000000v1"
    radio: str = "a2000000000000r1"
    messi: str = "a3000000000000p1"
    fruits: str = "a4000000000000p2"
    report: str = "a5000000000000d1"
    pending: str = "a6000000000000x1"


IDS = Ids()


@functools.cache
def text_encoder() -> TextEncoder:
    """The packaged all-MiniLM model, loaded once per test session."""
    settings = load_settings("test", data_dir=Path("/tmp/unused-search-tests"))
    from assistant.models.provider import ModelProvider

    return ModelProvider(settings.models).text()


# Unit tests of the audio path without Whisper hear a fixed transcript.
FakeTranscriber = FixedTranscriber


class FakeClip:
    """A hand-made joint space: each image and each described word owns one axis."""

    name = "fake-clip"

    def __init__(self, axes: dict[str, int], dim: int = 8) -> None:
        self.axes, self.dim = axes, dim  # keys: image phash hex, or a lower-case word

    def _vector(self, keys: list[str]) -> np.ndarray:
        vector = np.full(self.dim, 0.05, dtype=np.float32)
        for key in keys:
            if key in self.axes:
                vector[self.axes[key]] += 1.0
        return vector / np.linalg.norm(vector)

    def _image_key(self, image: Image.Image) -> str:
        """The registered picture this one is a copy of (pHash within 10 bits)."""
        import imagehash

        found = imagehash.phash(image)
        for key in self.axes:
            if len(key) == 16 and found - imagehash.hex_to_hash(key) <= 10:
                return key
        return ""

    def load(self) -> None:
        return None

    def encode_images(self, images: Sequence[Image.Image]) -> np.ndarray:
        return np.stack([self._vector([self._image_key(image)]) for image in images])

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(text.lower().split()) for text in texts])


def open_archive(data_dir: Path, **overrides: Any) -> Archive:
    settings: Settings = load_settings("test", data_dir=data_dir)
    models = {"clip": None, "text": text_encoder(), **overrides}
    return Archive.open(settings, model_overrides=models)


def built_archive(root: Path, **overrides: Any) -> Archive:
    """open_archive + build under one folder: the archive most search tests share."""
    archive = open_archive(root / "data", **overrides)
    build(archive, root / "media")
    return archive


def build(archive: Archive, media_root: Path) -> None:
    """Write the assets, segments, metadata and vectors; mark all but one indexed."""
    _speech_asset(
        archive, media_root, IDS.video, "press/council_briefing.mp4", "video", 60.0, VIDEO_LINES
    )
    _keyframes(
        archive, IDS.video, [(0.0, "leuvenA.jpg"), (12.0, "building.jpg"), (30.0, "home.jpg")]
    )
    _speech_asset(archive, media_root, IDS.radio, "radio/bulletin.mp3", "audio", 30.0, RADIO_LINES)
    _photo(archive, media_root, IDS.messi, "photos/messi.jpg", "messi5.jpg")
    _photo(archive, media_root, IDS.fruits, "photos/fruits.jpg", "fruits.jpg")
    _document(archive, media_root, IDS.report, "docs/harbour.md", DOC_CHUNKS)
    _speech_asset(
        archive,
        media_root,
        IDS.pending,
        "press/unfinished.mp4",
        "video",
        20.0,
        [(0.0, 8.0, "The commissioner resigned over energy prices.")],
    )
    _metadata(archive)
    for asset_id in (IDS.video, IDS.radio, IDS.messi, IDS.fruits, IDS.report):
        archive.catalog.set_status(asset_id, "indexed")


def put_asset(
    archive: Archive,
    root: Path,
    asset_id: str,
    rel: str,
    kind: str,
    duration: float | None,
    status: str = "pending",
    metadata: list[MetadataValue] | None = None,
    **fields: Any,
) -> None:
    """An asset row for `root/rel` (no file needed), `pending` unless said otherwise, with
    its `metadata` values when given."""
    archive.catalog.put_asset(
        asset_row(root, rel, kind, asset_id, duration_s=duration, status=status, **fields)
    )
    if metadata:
        archive.catalog.set_metadata(asset_id, metadata)


def meta_value(
    name: str, value: Any, source: str = "sidecar", confidence: float = 1.0
) -> MetadataValue:
    """A metadata value (curated unless a source is given)."""
    return MetadataValue(
        field=name,
        value=value,
        source=source,  # type: ignore[arg-type]
        confidence=confidence,
    )


def _embed_text(archive: Archive, segments: list[Segment]) -> None:
    vectors = text_encoder().encode_passages([s.text for s in segments])
    archive.vectors.upsert(
        "text", [s.segment_id for s in segments], vectors, [s.asset_id for s in segments]
    )


def _speech_asset(
    archive: Archive,
    root: Path,
    asset_id: str,
    rel: str,
    kind: str,
    duration: float,
    lines: list[tuple[float, float, str]],
) -> None:
    put_asset(archive, root, asset_id, rel, kind, duration)
    segments = [
        spoken_line(asset_id, i, start, end, text) for i, (start, end, text) in enumerate(lines)
    ]
    archive.catalog.replace_segments(asset_id, segments)
    _embed_text(archive, segments)


def thumbnail_for(archive: Archive, photo: str) -> tuple[str, str]:
    """Save a 320 px thumbnail of a Debian photo in the data dir; (relative path, phash)."""
    with Image.open(PHOTOS / photo) as image:
        picture = image.convert("RGB")
    rel = f"thumbnails/{Path(photo).stem}.jpg"
    out = archive.settings.data_dir / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    thumb = picture.copy()
    thumb.thumbnail((320, 320))
    thumb.save(out, quality=85)
    return rel, phash_hex(picture)


def _keyframes(archive: Archive, asset_id: str, frames: list[tuple[float, str]]) -> None:
    segments = []
    for i, (at, photo) in enumerate(frames):
        thumb, phash = thumbnail_for(archive, photo)
        segments.append(
            Segment.of(
                asset_id,
                "visual",
                i,
                start_s=at,
                end_s=at,
                thumbnail=thumb,
                phash=phash,
                embedded=False,
            )
        )
    archive.catalog.replace_segments(asset_id, segments)


def _photo(archive: Archive, root: Path, asset_id: str, rel: str, photo: str) -> None:
    put_asset(archive, root, asset_id, rel, "image", None)
    thumb, phash = thumbnail_for(archive, photo)
    archive.catalog.replace_segments(
        asset_id,
        [Segment.of(asset_id, "visual", 0, thumbnail=thumb, phash=phash, embedded=False)],
    )


def _document(archive: Archive, root: Path, asset_id: str, rel: str, chunks: list[str]) -> None:
    put_asset(archive, root, asset_id, rel, "document", None)
    segments = [
        Segment.of(
            asset_id, "text", i, text=text, char_start=i * 100, char_end=i * 100 + len(text), page=1
        )
        for i, text in enumerate(chunks)
    ]
    archive.catalog.replace_segments(asset_id, segments)
    _embed_text(archive, segments)


def _metadata(archive: Archive) -> None:
    def values(**fields: Any) -> list[MetadataValue]:
        return [
            MetadataValue(field=name, value=value, source="sidecar")
            for name, value in fields.items()
        ]

    catalog = archive.catalog
    catalog.set_metadata(
        IDS.video,
        values(date="2019-03-01", place="Brussels", people=["Anna Schmidt"], topics=["energy"]),
    )
    catalog.set_metadata(
        IDS.radio, values(date="2021-06-01", place="Leuven", topics=["weather", "football"])
    )
    catalog.set_metadata(
        IDS.messi,
        values(
            date="2018-06-16",
            place="Moscow",
            title="Football star on the pitch",
            people=["Lionel Messi"],
        ),
    )
    catalog.set_metadata(
        IDS.fruits, values(date="2020-09-12", place="Ghent", title="Market fruit stall")
    )
    catalog.set_metadata(
        IDS.report, values(date="2019-11-02", place="Antwerp", source="Harbour authority")
    )


def add_visual_vectors(archive: Archive, clip: FakeClip) -> None:
    """Embed every visual segment with the fake CLIP (from its thumbnail)."""
    for asset_id in (IDS.video, IDS.messi, IDS.fruits):
        segments = archive.catalog.segments(asset_id, "visual")
        images = []
        for segment in segments:
            with Image.open(archive.settings.data_dir / str(segment.thumbnail)) as image:
                images.append(image.convert("RGB"))
        archive.vectors.upsert(
            "visual",
            [s.segment_id for s in segments],
            clip.encode_images(images),
            [asset_id] * len(segments),
        )
