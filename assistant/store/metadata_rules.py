"""Which metadata value wins, and whether an asset passes the filters.

Curated values (user, sidecar) win over values read from the file (exif, container), which
win over inferred ones. Propagation therefore never hides a curated value.
"""

from __future__ import annotations

from datetime import date

from assistant.languages import normalise as normalise_language
from assistant.schemas import Filters, MetadataValue
from assistant.vocabulary.sources import SOURCE_PRIORITY, UNKNOWN_PRIORITY


def effective_values(values: list[MetadataValue]) -> dict[str, MetadataValue]:
    best: dict[str, MetadataValue] = {}
    for value in values:
        current = best.get(value.field)
        rank = (SOURCE_PRIORITY.get(value.source, UNKNOWN_PRIORITY), -value.confidence)
        if current is None or rank < (
            SOURCE_PRIORITY.get(current.source, UNKNOWN_PRIORITY),
            -current.confidence,
        ):
            best[value.field] = value
    return best


def as_strings(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]


def parse_date(value: object) -> date | None:
    """Dates in metadata may be '2019', '2019-05', '2019-05-03' or a full timestamp."""
    text = str(value).strip().replace(":", "-", 2) if value is not None else ""
    parts = text[:10].split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 and parts[1] else 1
        day = int(parts[2][:2]) if len(parts) > 2 and parts[2] else 1
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


def _contains(field_values: list[str], wanted: list[str]) -> bool:
    lowered = [value.lower() for value in field_values]
    return any(w.lower() in value for w in wanted for value in lowered)


def _number(value: MetadataValue | None) -> float | None:
    try:
        return float(value.value) if value is not None else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _key_matches(wanted: str, value: MetadataValue | None) -> bool:
    if value is None:
        return False
    have = str(value.value).lower().split()
    want = wanted.lower().split()
    return have == want or (len(want) == 1 and bool(have) and have[0] == want[0])


def matches_filters(filters: Filters, kind: str, meta: dict[str, MetadataValue]) -> bool:
    if filters.kind and kind not in filters.kind:
        return False
    if filters.date_from or filters.date_to:
        when = parse_date(meta["date"].value) if "date" in meta else None
        if when is None:
            return False
        if filters.date_from and when < filters.date_from:
            return False
        if filters.date_to and when > filters.date_to:
            return False
    for name, wanted in (("place", filters.place), ("source", filters.source)):
        if wanted and (name not in meta or not _contains(as_strings(meta[name].value), [wanted])):
            return False
    for name, wanted_list in (("people", filters.people), ("topics", filters.topics)):
        if wanted_list and (
            name not in meta or not _contains(as_strings(meta[name].value), wanted_list)
        ):
            return False
    tempo = _number(meta.get("tempo"))
    if filters.tempo_min is not None and (tempo is None or tempo < filters.tempo_min):
        return False
    if filters.tempo_max is not None and (tempo is None or tempo > filters.tempo_max):
        return False
    if filters.mode and ("mode" not in meta or str(meta["mode"].value).lower() != filters.mode):
        return False
    if filters.language and not _language_matches(filters.language, meta.get("language")):
        return False
    return not (filters.key and not _key_matches(filters.key, meta.get("key")))


def _language_matches(wanted: list[str], value: MetadataValue | None) -> bool:
    """The asset's languages (field `language`: ISO codes, or names in a sidecar) include
    one wanted (`wanted` is normalised by Filters)."""
    if value is None:
        return False
    have = set()
    for item in as_strings(value.value):
        try:
            have.add(normalise_language(item))
        except ValueError:
            continue
    return any(code in have for code in wanted)
