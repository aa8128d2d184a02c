"""On-screen text with the real RapidOCR models (shipped in its wheel): a scanned book page
from opencv-doc and a news ticker rendered onto a real photo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from assistant.enrich.ocr import OcrReader, ocr_segments, read_text
from assistant.media.decode import frame_at
from samples.media import OPENCV_DATA, debian_photo, debian_video, video_with_speech

pytestmark = pytest.mark.slow

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"  # at 36 px: words stay apart


@pytest.fixture(scope="module")
def reader() -> OcrReader:
    return OcrReader(threads=2)


@pytest.fixture(scope="module")
def ticker_photo() -> Image.Image:
    """A photo with a lower-third ticker, as a news frame would have."""
    photo = Image.open(debian_photo("messi5.jpg")).convert("RGB")
    draw = ImageDraw.Draw(photo)
    band_top = photo.height - 60
    draw.rectangle([0, band_top, photo.width, photo.height], fill=(20, 20, 120))
    draw.text(
        (20, band_top + 10),
        "HARBOUR STRIKE ENDS",
        font=ImageFont.truetype(FONT, 36),
        fill=(255, 255, 255),
    )
    return photo


def test_reads_a_scanned_page(reader: OcrReader) -> None:
    page = Image.open(OPENCV_DATA / "imageTextN.png").convert("RGB")
    # The first three lines keep the test quick; on a page-sized canvas so the detector
    # sees them at their real scale (a 72 px strip is upscaled tenfold and fragments).
    top = Image.new("RGB", page.size, (255, 255, 255))
    top.paste(page.crop((0, 0, page.width, 72)))
    text = read_text(top, reader)
    lines = text.splitlines()
    assert len(lines) == 3
    assert "technical details are too complex" in lines[0]
    assert "implementation projects" in lines[2]


def test_ticker_on_a_photo_becomes_a_timed_ocr_segment(
    reader: OcrReader, ticker_photo: Image.Image
) -> None:
    blank = Image.new("RGB", ticker_photo.size, (128, 128, 128))
    frames = [(blank, 0.0, 3.0), (ticker_photo, 3.0, 6.0), (ticker_photo, 6.0, 9.5)]
    segments = ocr_segments("f" * 16, frames, reader)
    # The blank frame reads nothing; the ticker over two keyframes is one segment.
    assert len(segments) == 1
    ticker = segments[0]
    assert ticker.kind == "ocr" and ticker.segment_id == f"{'f' * 16}:ocr:0"
    assert "HARBOUR STRIKE ENDS" in ticker.text.upper()
    assert (ticker.start_s, ticker.end_s) == (3.0, 9.5)


def test_texture_read_as_punctuation_is_not_text(reader: OcrReader, tmp_path: Path) -> None:
    """The newsroom suite's Megamind keyframe (a lamp-lit face, 320 x 240 H.264, no text
    on screen) read "?" at score 0.70; that OCR segment was then found by meaning for any
    question (issue 17, upload-02). A box with no letter or digit is dropped."""
    video, _ = video_with_speech(
        debian_video("Megamind.avi"), [(0.2, "This is the hour.")], tmp_path / "hour.mp4", 2.0
    )
    assert reader.lines(frame_at(video, 0.0), upscale=False) == []
    # Words beside punctuation stay: the ticker with a "?" box of its own.
    band = Image.new("RGB", (640, 80), (20, 20, 120))
    ImageDraw.Draw(band).text(
        (20, 15), "STRIKE ENDS  ?", font=ImageFont.truetype(FONT, 36), fill=(255, 255, 255)
    )
    assert "STRIKE ENDS" in " ".join(reader.lines(band))
