"""A clip found through a translation (a `translation` segment, asr.translate) is cited as
one: the English rendering, marked as translated, with the original words said at that
time beside it."""

from __future__ import annotations

from assistant.languages import label
from assistant.schemas import Hit, Segment
from assistant.store.lookup import SegmentLookup


def original_speech(hit: Hit, lookup: SegmentLookup) -> list[Segment]:
    """The asset's speech segments overlapping the translated line, in order."""
    start, end = hit.start_s or 0.0, hit.end_s if hit.end_s is not None else hit.start_s or 0.0
    return [
        segment
        for segment in lookup.asset_speech(hit.asset_id)
        if (segment.start_s or 0.0) <= end and (segment.end_s or 0.0) >= start
    ]


def translated_snippet(hit: Hit, lookup: SegmentLookup, limit: int) -> tuple[str, str | None]:
    """(snippet, original language) for a translation hit."""
    original = original_speech(hit, lookup)
    language = next((s.language for s in original if s.language), None)
    said = " ".join(" ".join(s.text.split()) for s in original)
    english = " ".join(hit.text.split())
    source = f" from {label(language)}" if language else ""
    text = (
        f"“{english}” (translated{source}; original: “{said}”)"
        if said
        else (f"“{english}” (translated{source})")
    )
    return (text if len(text) <= limit else text[: limit - 1] + "…"), language
