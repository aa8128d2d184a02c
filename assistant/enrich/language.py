"""The language of every text and speech segment, and of each asset.

- Written text (document chunks, OCR, captions): py3langid (BSD, a 4.6 MB naive-Bayes
  model inside the wheel, numpy only, ~1 ms a chunk), restricted to the archive's
  languages (`asr.languages`) when those are set, so a short French line is not called
  Walloon. Text shorter than MIN_CHARS letters gets no language: a guess there is noise.
- Speech: Whisper's own detection (models/asr.py), constrained by `pick_language`.
- The asset: metadata field `language` (source "analysis"), its segments' languages,
  most text first; this is what the `language` filter matches.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.schemas import MetadataValue, Segment
from assistant.vocabulary.kinds import WRITTEN_KINDS

# Fewer letters than this: no language (OCR of a logo, a caption of two words).
MIN_CHARS = 12
# A guess less sure than this (normalised probability) is left unknown.
MIN_CONFIDENCE = 0.25


class TextLanguage:
    """Detects the language of written text; built once per run, loaded on first use."""

    name = "py3langid"

    def __init__(self, languages: Sequence[str] = ()) -> None:
        self.languages = list(languages)
        self._identifier: Any = None
        self._lock = threading.Lock()

    def load(self) -> Any:
        with self._lock:
            if self._identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                known = [code for code in self.languages if code in identifier.labels]
                if known:
                    identifier.set_languages(known)
                self._identifier = identifier
            return self._identifier

    def detect(self, text: str) -> str | None:
        """ISO 639-1 code of `text`, or None when it is too short or too unsure."""
        if sum(ch.isalpha() for ch in text) < MIN_CHARS:
            return None
        code, confidence = self.load().classify(text)
        return str(code) if confidence >= MIN_CONFIDENCE else None


def pick_language(probabilities: Iterable[tuple[str, float]], allowed: Sequence[str]) -> str | None:
    """The most probable language among `allowed` (all when empty); None if none scored."""
    ranked = sorted(probabilities, key=lambda pair: -pair[1])
    for code, _ in ranked:
        if not allowed or code in allowed:
            return code
    return allowed[0] if allowed else None


def label_written(segments: list[Segment], detector: TextLanguage) -> list[Segment]:
    """Written segments with their language set (others unchanged)."""
    return [
        segment.model_copy(update={"language": detector.detect(segment.text)})
        if segment.kind in WRITTEN_KINDS and segment.language is None
        else segment
        for segment in segments
    ]


def asset_languages(segments: Iterable[Segment]) -> MetadataValue | None:
    """The asset's languages, most text first, as the `language` metadata field
    (translations are ours, not the asset's: left out)."""
    amount: dict[str, int] = {}
    for segment in segments:
        if segment.language and segment.kind != "translation":
            amount[segment.language] = amount.get(segment.language, 0) + len(segment.text)
    if not amount:
        return None
    ordered = sorted(amount, key=lambda code: -amount[code])
    return MetadataValue(field="language", value=ordered, source="analysis")
