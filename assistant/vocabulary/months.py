"""The months as they are written in English: names (lower-cased) and their short forms,
for reading dates in questions, claims and records and for writing them in metadata."""

from __future__ import annotations

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# Short form -> name: the first three letters ("may" is its own), and "sept".
MONTH_SHORT = {m[:3]: m for m in MONTHS} | {"sept": "september"}
