"""Which of a file's curated facts the answer prompt shows for a question.

A search hit's record brings its title, date, place and people (evidence.FACT_FIELDS),
~25 prompt tokens per file, ~0.3 s on 2 cores before the first word (issue 17). The
title says what the recording is and the people who is in it, so they are always shown
(people the item's speaker label already names are not repeated). The date and place
are shown when the question asks when or where, names a date (a month, a weekday, a
year) or names the place itself ("Why did wheat prices rise in Rouen?"). The grounding
check reads every fact either way (`EvidenceItem.checkable_text`).
"""

from __future__ import annotations

import re

from assistant.vocabulary.months import MONTHS
from assistant.vocabulary.words import fold, words

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Asking when, or about the record's making ("when was it filmed?", "the brief of 9
# January 2024"), in English and the archive's other languages (French, Spanish, German).
_ASKS_DATE = re.compile(
    r"\b(?:when|date[sd]?|day|days|year|years|month|today|yesterday|recorded|"
    r"filmed|broadcast|aired|published|taken|shot|how old|since|"
    r"quand|jour|année|annee|mois|cuándo|cuando|fecha|día|dia|año|wann|datum|tag|jahr|"
    rf"{'|'.join(MONTHS)}|{'|'.join(_WEEKDAYS)})\b|\b\d{{4}}\b",
    re.IGNORECASE,
)
_ASKS_PLACE = re.compile(
    r"\b(?:where|place|location|city|town|country|filmed|taken|shot|"
    r"où|lieu|ville|dónde|donde|lugar|ciudad|wo|ort|stadt)\b",
    re.IGNORECASE,
)


def facts_asked(facts: dict[str, str], question: str, speaker: str = "") -> dict[str, str]:
    """`facts` (field -> value, in FACT_FIELDS order) less what `question` does not need."""
    asked = set(_folded(question))
    named = set(_folded(speaker))
    shown: dict[str, str] = {}
    for name, value in facts.items():
        if name == "date" and not _ASKS_DATE.search(question):
            continue
        if name == "place" and not (_ASKS_PLACE.search(question) or asked & set(_folded(value))):
            continue
        if name == "people":
            value = ", ".join(p for p in _split(value) if not set(_folded(p)) <= named)
            if not value:
                continue
        shown[name] = value
    return shown


def _folded(text: str) -> list[str]:
    return [fold(word) for word in words(text) if len(word) >= 2]  # fold lower-cases


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]
