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
# A box with no letter or digit is texture read as punctuation, never words on screen: a
# lamp-lit face in Megamind.avi read "?" (score 0.70). Indexed, "?" sits near every
# question in the multilingual text space (e5 cosine 0.86 to "Who appears in this
# video?"), and such a segment outranked the frame an upload was grabbed from.
_HAS_WORD = re.compile(r"[^\W_]")
# RapidOCR's detector by default scales a picture's *shorter* side up to 736 px, which
# suits photos and scans with small print. Video keyframes are already cut to a few hundred
# pixels by the decoder, and upscaling them adds no detail: it tripled detection's cost
# (0.6 s -> 0.2 s per 512x384 keyframe on 2 busy cores, almost all of OCR's time when a
# frame holds no text) while burned-in captions of 22-40 px read the same at native size.
# Keyframes are therefore detected at their own size, capped at this longer side.
KEYFRAME_MAX_SIDE = 960


def detector_options(upscale: bool) -> dict[str, Any]:
    """RapidOCR detector settings: its defaults (upscale small pictures) for photos and
    scans; for video keyframes, the picture's own size, shrunk only above
    KEYFRAME_MAX_SIDE."""
    if upscale:
        return {}
    return {"det_limit_type": "max", "det_limit_side_len": KEYFRAME_MAX_SIDE}


class OcrReader:
    """Reads text from pictures; loads the ONNX models lazily (about 0.3 s), once per
    detector setting (photos upscaled, keyframes not: detector_options)."""

    def __init__(self, threads: int = 2, min_score: float = MIN_LINE_SCORE) -> None:
        self.threads = threads
        self.min_score = min_score
        self._engines: dict[bool, Any] = {}

    def _load(self, upscale: bool) -> Any:
        if upscale not in self._engines:
            from rapidocr_onnxruntime import RapidOCR

            self._engines[upscale] = RapidOCR(
                intra_op_num_threads=self.threads,
                inter_op_num_threads=1,
                **detector_options(upscale),
            )
        return self._engines[upscale]

    def lines(self, image: Image.Image, upscale: bool = True) -> list[str]:
        """Text lines, top to bottom then left to right. `upscale=False` for video
        keyframes: detected at their own size (detector_options)."""
        # RapidOCR takes OpenCV's BGR channel order.
        bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
        result, _ = self._load(upscale)(bgr)
        boxes = [
            (np.asarray(box, dtype=float), str(text).strip())
            for box, text, score in (result or [])
            if float(score) >= self.min_score and _HAS_WORD.search(str(text))
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


def read_text(image: Image.Image, reader: OcrReader | None = None, upscale: bool = True) -> str:
    """All text read in `image`, one line per detected line ("" when there is none)."""
    return "\n".join((reader or OcrReader()).lines(image, upscale))


def ocr_segments(
    asset_id: str, pictures: Sequence[TimedPicture], reader: OcrReader, upscale: bool = True
) -> list[Segment]:
    """Segments of kind "ocr" for a photo or a video's keyframes (with their times);
    the ingest indexes their text so words on screen find the picture or the moment.
    `upscale=False` for keyframes (detector_options)."""
    texts = [
        (read_text(picture, reader, upscale), start_s, end_s)
        for picture, start_s, end_s in pictures
    ]
    return text_segments(asset_id, "ocr", texts)
