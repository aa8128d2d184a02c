"""On-screen text at ingest with the real OCR models (RapidOCR) and the packaged text
encoder: a news-ticker line rendered onto a real photo, and a caption burned into a real
street video for a known interval, are found by search with the right asset and time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.ingest.pipeline import ingest_folder
from assistant.retrieval.engine import search_engine
from assistant.schemas import Clip, IngestReport, SearchQuery
from samples.media import FONT, captioned_street, debian_photo

pytestmark = pytest.mark.slow

PHOTO_TICKER = "FLOOD WARNING"
VIDEO_CAPTION = "BRIDGE CLOSED"
VIDEO_LENGTH_S = 10.0
# The caption is on screen from 2 s up to (not including) 8 s of the video.
SHOWN = (2.0, 8.0)


@dataclass
class Ingested:
    archive: Archive
    report: IngestReport
    photo_id: str
    video_id: str


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.truetype(str(FONT), size) if FONT.is_file() else ImageFont.load_default(size)


def ticker_photo(target: Path) -> None:
    """messi5.jpg with a dark ticker bar along the bottom, white 36 px capitals."""
    with Image.open(debian_photo("messi5.jpg")) as source:
        photo = source.convert("RGB")
    draw = ImageDraw.Draw(photo)
    draw.rectangle([0, photo.height - 56, photo.width, photo.height], fill=(10, 20, 90))
    draw.text((14, photo.height - 50), PHOTO_TICKER, font=_font(36), fill="white")
    photo.save(target, quality=92)


def captioned_video(target: Path) -> None:
    """The first 10 s of vtest.avi (street scene) with a caption between SHOWN[0] and [1]."""
    when = f"gte(t,{SHOWN[0]})*lt(t,{SHOWN[1]})"
    captioned_street(target, VIDEO_CAPTION, VIDEO_LENGTH_S, when, 40)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ingested]:
    from assistant.models.provider import ModelProvider

    base = tmp_path_factory.mktemp("ocr")
    root = base / "archive"
    root.mkdir()
    ticker_photo(root / "ticker.jpg")
    captioned_video(root / "street.mp4")
    settings = load_settings("test", data_dir=base / "data")
    settings = settings.model_copy(
        update={"ingest": settings.ingest.model_copy(update={"ocr": True})}
    )
    text = ModelProvider(settings.models).text()
    archive = Archive.open(settings, model_overrides={"clip": None, "asr": None, "text": text})
    report = ingest_folder(archive, root)
    ids = {a.rel_path: a.asset_id for a in archive.catalog.assets()}
    yield Ingested(archive, report, ids["ticker.jpg"], ids["street.mp4"])
    archive.close()


def _hits(ingested: Ingested, text: str, asset_id: str) -> list[Clip]:
    clips = search_engine(ingested.archive).search(SearchQuery(text=text))
    return [c for c in clips if c.asset_id == asset_id]


def test_both_files_are_indexed_with_ocr_segments(ingested: Ingested) -> None:
    assert ingested.report.counts_by_status == {"indexed": 2}, ingested.report
    for asset_id in (ingested.photo_id, ingested.video_id):
        ocr = [s for s in ingested.archive.catalog.segments(asset_id) if s.kind == "ocr"]
        assert ocr, f"no OCR segment for {asset_id}"
        # Embedded into the text space like any other text.
        assert ingested.archive.vectors.count("text") >= len(ocr)


def test_photo_ticker_words_find_the_photo(ingested: Ingested) -> None:
    ocr = [s for s in ingested.archive.catalog.segments(ingested.photo_id) if s.kind == "ocr"]
    assert all(s.start_s is None and s.end_s is None for s in ocr)
    assert "FLOOD" in " ".join(s.text for s in ocr).upper()
    hits = _hits(ingested, "flood warning", ingested.photo_id)
    assert hits, "searching the ticker's words does not find the photo"
    assert any(":ocr:" in sid for c in hits for sid in c.segment_ids)


def test_video_caption_words_find_the_moment_it_is_shown(ingested: Ingested) -> None:
    ocr = [s for s in ingested.archive.catalog.segments(ingested.video_id) if s.kind == "ocr"]
    captioned = [s for s in ocr if "BRIDGE" in s.text.upper()]
    assert captioned, [s.text for s in ocr]
    for segment in captioned:
        assert segment.start_s is not None and SHOWN[0] <= segment.start_s < SHOWN[1]
    hits = _hits(ingested, "bridge closed", ingested.video_id)
    assert hits, "searching the caption's words does not find the video"
    best = hits[0]
    assert best.start_s is not None and best.end_s is not None
    # The clip overlaps the interval the caption is on screen, and starts inside it.
    assert SHOWN[0] <= best.start_s < SHOWN[1], (best.start_s, best.end_s)
