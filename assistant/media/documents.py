"""Text out of documents (plain text, Markdown, HTML, PDF) and into overlapping chunks that
remember where they came from (character offsets into the extracted text, and the page)."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar


class DocumentError(ValueError):
    """The document cannot be read; the message is the reason shown to users."""


@dataclass(frozen=True)
class Page:
    number: int | None  # 1-based for PDFs; None for formats without pages
    text: str


@dataclass(frozen=True)
class Chunk:
    text: str
    char_start: int  # offsets into the document's full text (pages joined by "\n\n")
    char_end: int
    page: int | None


def decode_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


class _TextOfHTML(HTMLParser):
    """Visible text of an HTML page: script/style dropped, blocks separated by newlines."""

    SKIP: ClassVar[set[str]] = {"script", "style", "noscript", "template", "head"}
    BLOCKS: ClassVar[set[str]] = {
        "p",
        "div",
        "br",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "section",
        "article",
        "blockquote",
        "pre",
        "title",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHTML()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def pdf_pages(path: Path) -> list[Page]:
    import pypdf

    try:
        reader = pypdf.PdfReader(str(path))
        return [Page(i + 1, page.extract_text() or "") for i, page in enumerate(reader.pages)]
    except Exception as exc:  # pypdf raises many types on damaged files
        raise DocumentError(f"corrupt PDF: {type(exc).__name__}: {exc}") from exc


def read_pages(path: Path, mime: str) -> list[Page]:
    if mime == "application/pdf":
        pages = pdf_pages(path)
    else:
        text = decode_text(path.read_bytes())
        pages = [Page(None, html_to_text(text) if mime == "text/html" else text)]
    if not any(page.text.strip() for page in pages):
        if mime == "application/pdf":
            raise DocumentError(
                "no extractable text in this PDF (corrupt, empty, or scanned without OCR)"
            )
        raise DocumentError("document has no text")
    return pages


def chunk_pages(pages: list[Page], chunk_chars: int, overlap: int) -> list[Chunk]:
    """Overlapping chunks of about `chunk_chars`, cut at whitespace, never across pages."""
    chunks: list[Chunk] = []
    offset = 0
    for page in pages:
        for start, end in _spans(page.text, chunk_chars, overlap):
            text = page.text[start:end].strip()
            if text:
                lead = len(page.text[start:end]) - len(page.text[start:end].lstrip())
                chunks.append(
                    Chunk(
                        text, offset + start + lead, offset + start + lead + len(text), page.number
                    )
                )
        offset += len(page.text) + 2  # pages are joined by a blank line
    return chunks


def _spans(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    size = max(size, 50)
    overlap = min(max(overlap, 0), size // 2)
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind(" ", start + size // 2, end)
            cut = max(cut, text.rfind("\n", start + size // 2, end))
            end = cut if cut > start else end
        spans.append((start, end))
        if end >= len(text):
            break
        next_start = end - overlap
        # Start the overlap on a word boundary.
        space = text.find(" ", next_start, end)
        start = max(space + 1 if space != -1 else next_start, start + 1)
    return spans


def full_text(pages: list[Page]) -> str:
    """The text that chunk offsets index into."""
    return "\n\n".join(page.text for page in pages)
