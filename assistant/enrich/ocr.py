"""On-screen text (captions, tickers, signs, scanned pages) with RapidOCR.

RapidOCR ships PP-OCRv4 detection and recognition ONNX models inside its wheel, so it
works offline. The engine is built on first use by an OcrReader that the caller creates
once (per ingest run) and passes in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
from PIL import Image

from assistant.enrich.pictures import TimedPicture, text_segments
from assistant.schemas import Segment

# Lines recognised with less confidence than this are mostly texture read as letters.
MIN_LINE_SCORE = 0.6


class OcrReader:
    """Reads text from pictures; loads the ONNX models lazily (about 0.3 s)."""

    def __init__(self, threads: int = 2, min_score: float = MIN_LINE_SCORE) -> None:
        self.threads = threads
        self.min_score = min_score
        self._engine: Any = None

    def _load(self) -> Any:
        if self._engine is None:
            from rapidocr_onnxruntime import RapidOCR

            self._engine = RapidOCR(intra_op_num_threads=self.threads, inter_op_num_threads=1)
        return self._engine

    def lines(self, image: Image.Image) -> list[str]:
        """Text lines, top to bottom then left to right."""
        # RapidOCR takes OpenCV's BGR channel order.
        bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
        result, _ = self._load()(bgr)
        boxes = [
            (np.asarray(box, dtype=float), str(text).strip())
            for box, text, score in (result or [])
            if float(score) >= self.min_score and str(text).strip()
        ]
        return [split_run_together(line) for line in reading_order(boxes)]


# Tokens at least this long with no space are candidates for splitting.
_RUN_TOGETHER = re.compile(r"[A-Za-z]{9,}")
# A split is kept only when every piece is a common English word (unigram count in the
# package's web corpus), so names such as "Kowalczykowa" are never cut into fragments.
_COMMON_WORD_COUNT = 200_000


@cache
def _segmenter() -> Any:
    """wordsegment's English unigram/bigram model (shipped in its package; ~0.5 s to load)."""
    import wordsegment

    wordsegment.load()
    return wordsegment


def split_run_together(line: str) -> str:
    """RapidOCR's recogniser often drops the spaces in English captions ("BRIDGECLOSED");
    run-together words can be found neither by keyword nor by meaning, so long tokens are
    split into their most probable words ("BRIDGE CLOSED"), keeping upper case."""

    def split(match: re.Match[str]) -> str:
        token = match.group(0)
        model = _segmenter()
        words = model.segment(token)
        if len(words) < 2 or any(
            model.UNIGRAMS.get(word, 0) < _COMMON_WORD_COUNT for word in words
        ):
            return token
        joined = " ".join(words)
        return joined.upper() if token.isupper() else joined

    return _RUN_TOGETHER.sub(split, line)


def reading_order(boxes: list[tuple[np.ndarray, str]]) -> list[str]:
    """Join detected boxes into lines: boxes whose vertical centres lie within half a
    box height of each other are one line (the detector often splits a line in two),
    read left to right; lines top to bottom."""
    lines: list[list[tuple[float, float, float, str]]] = []
    for box, text in sorted(boxes, key=lambda b: float(b[0][:, 1].mean())):
        centre, height = float(box[:, 1].mean()), float(np.ptp(box[:, 1]))
        left = float(box[:, 0].min())
        if lines and abs(centre - lines[-1][-1][0]) <= max(height, lines[-1][-1][1]) / 2:
            lines[-1].append((centre, height, left, text))
        else:
            lines.append([(centre, height, left, text)])
    return [" ".join(t for *_, t in sorted(line, key=lambda part: part[2])) for line in lines]


def read_text(image: Image.Image, reader: OcrReader | None = None) -> str:
    """All text read in `image`, one line per detected line ("" when there is none)."""
    return "\n".join((reader or OcrReader()).lines(image))


def ocr_segments(
    asset_id: str, pictures: Sequence[TimedPicture], reader: OcrReader
) -> list[Segment]:
    """Segments of kind "ocr" for a photo or a video's keyframes (with their times);
    the ingest indexes their text so words on screen find the picture or the moment."""
    texts = [(read_text(picture, reader), start_s, end_s) for picture, start_s, end_s in pictures]
    return text_segments(asset_id, "ocr", texts)
