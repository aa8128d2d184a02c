"""Sniffing by content, not by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.media.sniff import SniffError, is_sidecar, sniff, sniff_bytes
from samples.media import debian_photo, write_pdf


def test_a_jpeg_named_png_is_an_image_by_content() -> None:
    head = debian_photo("fruits.jpg").read_bytes()[:8192]
    found = sniff_bytes(head, "holiday.png")
    assert found is not None and (found.kind, found.mime) == ("image", "image/jpeg")


def test_pdf_is_a_document(tmp_path: Path) -> None:
    found = sniff(write_pdf(tmp_path / "x.bin", [["hello"]]))
    assert found is not None and (found.kind, found.mime) == ("document", "application/pdf")


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("notes.txt", "text/plain"),
        ("README", "text/plain"),
        ("notes.md", "text/markdown"),
    ],
)
def test_plain_text_becomes_a_document(name: str, mime: str) -> None:
    found = sniff_bytes("Café au lait, a short note.\nSecond line.\n".encode(), name)
    assert found is not None and (found.kind, found.mime) == ("document", mime)


def test_html_is_recognised_whatever_the_name() -> None:
    found = sniff_bytes(b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "page.txt")
    assert found is not None and found.mime == "text/html"


def test_text_named_like_a_picture_is_refused_with_a_reason() -> None:
    with pytest.raises(SniffError, match=r"named \.jpg but the content is text, not an image"):
        sniff_bytes(b"This is not a photo at all.\n" * 3, "photo.jpg")


def test_unknown_binary_named_like_media_is_refused_and_otherwise_ignored() -> None:
    blob = bytes(range(256)) * 4
    with pytest.raises(SniffError, match="not a recognisable video"):
        sniff_bytes(blob, "clip.mp4")
    assert sniff_bytes(blob, "data.bin") is None


def test_zip_is_not_ingested() -> None:
    assert sniff_bytes(b"PK\x03\x04" + b"\x00" * 100, "archive.zip") is None


def test_empty_content_is_refused() -> None:
    with pytest.raises(SniffError, match="empty"):
        sniff_bytes(b"", "a.jpg")


def test_sidecars_are_recognised_by_name() -> None:
    assert is_sidecar(Path("IMG_1.jpg.json")) and is_sidecar(Path("IMG_1.XMP"))
    assert is_sidecar(Path("folder/metadata.csv"))
    assert not is_sidecar(Path("IMG_1.jpg")) and not is_sidecar(Path("table.csv"))
