"""Languages at ingest: written segments get the text detector's language, and the asset
its `language` metadata (enrich/language.py). Speech segments already carry Whisper's."""

from __future__ import annotations

from assistant.enrich.language import TextLanguage, asset_languages, label_written
from assistant.ingest.extract import Extracted


def label_languages(extracted: Extracted, detector: TextLanguage) -> None:
    extracted.segments = label_written(extracted.segments, detector)
    value = asset_languages(extracted.segments)
    if value is not None:
        extracted.metadata.append(value)
