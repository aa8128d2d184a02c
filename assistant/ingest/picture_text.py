"""Text read off a run's pictures: on-screen text (OCR) and, with a visual-QA model,
captions. Both become text segments ("ocr", "caption") that are embedded and FTS-indexed
with the asset's other text, so they follow the same pending → indexed order."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PIL import Image

from assistant.enrich.ocr import OcrReader, ocr_segments
from assistant.enrich.pictures import timed_pictures
from assistant.enrich.visual import caption_segments
from assistant.models.provider import ModelProvider
from assistant.schemas import Asset, Segment


class PictureText:
    """OCR and captions for one ingest run. `reader` builds the run's one OcrReader on
    first use (a run without pictures never loads the OCR models)."""

    def __init__(
        self,
        models: ModelProvider,
        reader: Callable[[], OcrReader] | None,
        captions: bool,
        photos: bool = True,
    ) -> None:
        self.models, self._reader, self.captions = models, reader, captions
        # OCR of photos as well as video keyframes (ingest.ocr; keyframes: ocr_keyframes).
        self.ocr_photos = photos
        # RapidOCR builds its engine on first call and is not documented as thread-safe;
        # onnxruntime already spreads one picture over models.threads cores, so pictures
        # are read one at a time.
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        return self._reader is not None or self.captions

    def segments(
        self,
        asset: Asset,
        visual: Sequence[Segment],
        pictures: Mapping[str, Image.Image],
        stage: Callable[[str], Any],
    ) -> list[Segment]:
        """OCR then caption segments for the asset's visual segments and their pictures."""
        timed = timed_pictures(visual, pictures)
        if not timed:
            return []
        found: list[Segment] = []
        if self._reader is not None and (asset.kind != "image" or self.ocr_photos):
            with self._lock, stage("ocr"):
                # Keyframes at their own size; photos and scans upscaled (enrich/ocr.py).
                upscale = asset.kind == "image"
                found += ocr_segments(asset.asset_id, timed, self._reader(), upscale)
        if self.captions:
            with self._lock, stage("caption"):
                found += caption_segments(self.models, asset, timed)
        return found
