"""Plain words for a bad filter value, instead of pydantic's validation dump.

A journalist who types "12/03/2019" in the date box should read how dates are written,
not `Input should be a valid date or datetime, invalid date separator [type=date_from_...`.
Filters.parse (schemas.py) calls `describe` for every filter error, so the app, the CLI,
the HTTP API and the MCP tools all say the same thing.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

# What each filter is called where people type it (the app's labels, the CLI's names).
LABELS = {
    "kind": "Kind",
    "date_from": "From date (date_from)",
    "date_to": "To date (date_to)",
    "place": "Place",
    "people": "People",
    "topics": "Topics",
    "source": "Source",
    "tempo_min": "Tempo from (tempo_min)",
    "tempo_max": "Tempo to (tempo_max)",
    "mode": "Mode",
    "key": "Key",
    "language": "Language",
    "speaker": "Speaker",
}
DATE_WORDS = "Dates are written YYYY-MM-DD, e.g. 2019-03-12."
# The rule for each field, said after what was wrong with the value.
RULES = {
    "date_from": DATE_WORDS,
    "date_to": DATE_WORDS,
    "tempo_min": "Tempo is a number of beats per minute, e.g. 120.",
    "tempo_max": "Tempo is a number of beats per minute, e.g. 120.",
    "kind": "Kind is one of image, video, audio, document.",
    "mode": "Mode is major or minor.",
}


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _sentence(error: Any) -> str:
    field = str(error["loc"][0]) if error.get("loc") else ""
    label = LABELS.get(field, field or "A filter")
    kind = str(error.get("type", ""))
    value = error.get("input")
    if kind.startswith(("date", "datetime")):
        what = f"{label}: '{_shown(value)}' is not a date."
    elif kind.startswith(("float", "int", "decimal")):
        what = f"{label}: '{_shown(value)}' is not a number."
    elif kind in ("literal_error", "enum"):
        what = f"{label}: '{_shown(value)}' is not a choice here."
    elif kind == "value_error":
        # Our own validators' messages are already sentences ("'xx' is not a language ...").
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        what = f"{label}: {message}."
    else:
        what = f"{label}: '{_shown(value)}' is not a value this filter takes."
    rule = RULES.get(field)
    return f"{what} {rule}" if rule else what


def describe(exc: ValidationError) -> str:
    """One plain sentence (with the rule) per bad filter, each field said once."""
    seen: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        field = str(error["loc"][0]) if error.get("loc") else ""
        seen.setdefault(field, _sentence(error))
    return " ".join(seen.values())
