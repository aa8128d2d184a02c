"""An asset's effective metadata as words, for text search (catalog.metadata_fts).

Curated fields (title, description, people, place, topics, source, rights), any extra
sidecar field and file fields such as the camera become their values; dates also name
the month and year; music attributes become words people type ("A minor key 72 BPM slow").
Numbers that only machines read (GPS, durations, loudness) are left out: matching "50"
against a latitude is not evidence.
"""

from __future__ import annotations

from assistant.schemas import MetadataValue
from assistant.store.metadata_rules import as_strings, parse_date
from assistant.vocabulary.months import MONTHS

# Read by machines, not typed by people.
SKIPPED_FIELDS = frozenset(
    {
        "latitude",
        "longitude",
        "gps",
        "duration",
        "duration_s",
        "loudness_db",
        "width",
        "height",
        "fps",
        "sample_rate",
        "channels",
        "bitrate",
        # ISO codes ("de", "es") are common words in other languages; the language filter
        # is how people select by language.
        "language",
    }
)
# What the asset is about: embedded for meaning (source, rights, camera and dates are not).
GIST_FIELDS = (
    "title",
    "description",
    "caption",
    "people",
    "place",
    "topics",
    "key",
    "mode",
    "tempo",
)
# Tempo words by upper bound in BPM (about the Italian markings: adagio, andante/moderato,
# allegro, presto).
TEMPO_WORDS = ((80.0, "slow"), (110.0, "moderate"), (150.0, "fast"))


def tempo_words(bpm: float) -> str:
    word = next((name for limit, name in TEMPO_WORDS if bpm < limit), "very fast")
    return f"{round(bpm)} BPM {word} tempo"


def _number(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def field_words(name: str, value: object) -> str:
    """One field's value as searchable words ('' when it says nothing to a reader)."""
    if name in SKIPPED_FIELDS:
        return ""
    if name == "tempo":
        bpm = _number(value)
        return tempo_words(bpm) if bpm is not None else ""
    if name == "key":
        return f"{value} key"
    if name == "date":
        when = parse_date(value)
        if when is None:
            return str(value)
        return f"{value} ({MONTHS[when.month - 1].capitalize()} {when.year})"
    if isinstance(value, bool | int | float):
        return ""  # a bare number (an extra count, a rating) is not worth matching
    return ", ".join(part.strip() for part in as_strings(value) if part.strip())


def searchable_fields(effective: dict[str, MetadataValue]) -> dict[str, str]:
    """Field -> words, for every field worth matching, in field-name order."""
    words = {name: field_words(name, effective[name].value) for name in sorted(effective)}
    return {name: text for name, text in words.items() if text}


def searchable_text(effective: dict[str, MetadataValue]) -> str:
    """Everything keyword search may match (one line per field)."""
    return "\n".join(searchable_fields(effective).values())


def gist(effective: dict[str, MetadataValue]) -> str:
    """What the asset is about, as one short passage for the sentence encoder."""
    fields = searchable_fields(effective)
    return ". ".join(fields[name] for name in GIST_FIELDS if name in fields)
