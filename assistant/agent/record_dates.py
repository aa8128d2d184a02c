"""A question naming a record's date means that record: "What did the morning brief of 9
January 2024 say about the city pool?" is about the brief catalogued 2024-01-09.

Daily briefs, bulletins and reports are near-identical from one day to the next: the
brief of 8 January says "the city pool will reopen on Saturday", the brief of 9 January
"the city pool stays closed for another week". A search with the question's words ranks
both briefs alike (the metadata text says "January 2024" for either) and a small model
then quotes the wrong day. So when the question names one full calendar date (day, month
and year) and the archive holds records of that day, the turn searches those records only,
as if the date filter had been set. A date no record carries (an event's date: "the
election of 9 June 2024") changes nothing, nor does a date filter the user set.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from datetime import date
from typing import Protocol

from assistant.schemas import Filters
from assistant.vocabulary.months import MONTH_SHORT, MONTHS

_MONTH_NUMBER = {name: number for number, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBER |= {short: _MONTH_NUMBER[name] for short, name in MONTH_SHORT.items()}
_MONTH = "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True))
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DATES = (
    re.compile(rf"\b{_DAY}(?: of)? (?P<month>{_MONTH})\.?,? {_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b(?P<month>{_MONTH})\.? {_DAY},? {_YEAR}\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
)


class FiltersAssets(Protocol):
    """What is needed of the catalogue (assistant.store.catalog.Catalog)."""

    def filter_assets(self, filters: Filters) -> AbstractSet[str] | None: ...


def named_dates(question: str) -> set[date]:
    """The full calendar dates the question names, in any of the usual spellings."""
    found: set[date] = set()
    for pattern in _DATES:
        for match in pattern.finditer(question):
            month = match.group("month")
            number = int(month) if month.isdigit() else _MONTH_NUMBER[month.lower()]
            try:
                found.add(date(int(match.group("year")), number, int(match.group("day"))))
            except ValueError:  # "31 February 2024"
                continue
    return found


def with_record_date(question: str, filters: Filters, catalog: FiltersAssets) -> Filters:
    """`filters` restricted to the one date the question names, when records of that day
    exist and the user set no date filter of their own."""
    if filters.date_from is not None or filters.date_to is not None:
        return filters
    dates = named_dates(question)
    if len(dates) != 1:
        return filters  # none, or a span / comparison of days: leave it to the search
    (day,) = dates
    dated = filters.model_copy(update={"date_from": day, "date_to": day})
    return dated if catalog.filter_assets(dated) else filters
