"""Document text extraction and chunking with offsets and pages."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from assistant.media.documents import (
    DocumentError,
    Page,
    chunk_pages,
    full_text,
    html_to_text,
    read_pages,
)
from samples.media import PDF_PAGES, write_pdf


def test_chunks_point_back_into_the_text_and_overlap() -> None:
    words = [f"word{i}" for i in range(400)]
    pages = [Page(None, " ".join(words))]
    chunks = chunk_pages(pages, chunk_chars=200, overlap=40)
    text = full_text(pages)
    assert len(chunks) > 5
    for chunk in chunks:
        assert text[chunk.char_start : chunk.char_end] == chunk.text
        assert len(chunk.text) <= 200
        assert not chunk.text.startswith(" ") and not chunk.text.endswith(" ")
    for before, after in itertools.pairwise(chunks):
        assert after.char_start < before.char_end  # overlapping
        assert after.char_start > before.char_start
    assert chunks[-1].text.endswith("word399")


def test_chunks_do_not_cross_pages(tmp_path: Path) -> None:
    pages = read_pages(write_pdf(tmp_path / "d.pdf", PDF_PAGES), "application/pdf")
    chunks = chunk_pages(pages, chunk_chars=60, overlap=10)
    text = full_text(pages)
    assert {c.page for c in chunks} == {1, 2}
    for chunk in chunks:
        assert text[chunk.char_start : chunk.char_end] == chunk.text
        assert chunk.text in pages[(chunk.page or 1) - 1].text
    assert any("three new hospitals" in c.text for c in chunks if c.page == 2)


def test_html_drops_scripts_styles_and_tags() -> None:
    text = html_to_text(
        "<html><head><style>p{}</style><title>T</title></head><body>"
        "<p>Hello <b>world</b> &amp; more</p><script>evil()</script></body>"
    )
    assert text == "Hello world & more"


def test_corrupt_pdf_fails_with_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n" + b"\x13\x37" * 300)
    with pytest.raises(DocumentError, match="PDF"):
        read_pages(bad, "application/pdf")


def test_latin1_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Caf\xe9 de la gare".encode("latin-1"))
    assert read_pages(path, "text/plain")[0].text == "Café de la gare"
