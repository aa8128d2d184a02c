"""The checkable parts of a sentence: figures, dates, weekdays, months and names.

A small model paraphrasing evidence invents exactly these ("a 10 % pay rise" where the
clip says eight percent, "until November 15" where it says Thursday), so grounding
requires each of them to appear in the evidence the sentence cites. Both sides are
normalised first: "eight percent" = "8 %", "fourteen million" = "14,000,000" = "14 million",
"12 March 2019" = "2019-03-12" (whose weekday, Tuesday, counts too), "Solène" = "Solene".
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date

from assistant.vocabulary.months import MONTH_SHORT, MONTHS

_UNITS = {
    "zero": 0,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "fifteenth": 15,
    "twentieth": 20,
    "thirtieth": 30,
    "dozen": 12,
}
# "one" and "first"/"second" are left out: "one of the speakers", "a second reading" are
# not figures, and checking them would reject honest sentences.
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "bn": 1_000_000_000,
    "m": 1_000_000,
    "k": 1_000,
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)  # "Tuesday's" -> "Tuesday", "s"
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th)?|[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_TIMECODE = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")
_CITATION = re.compile(r"\[\d+(?:\s*[,;]\s*\d+)*\]")
# Capitalised words that start sentences or frame an answer: not names.
_COMMON = frozenset(
    str.split(
        "the a an in on at of to for from by with and or but if as so yes no not this that these "
        "those there here it its he she his her him they them their we our you your i who what "
        "when where which why how according also however during after before while both each "
        "some many most all any one other another then thus still later earlier meanwhile "
        "today yesterday tomorrow tonight mr mrs ms dr mister madam minister commissioner mayor "
        "president prime chancellor council city government ministry parliament professor sir "
        "document recording video audio photo image picture clip file archive evidence source "
        "quote speaker transcript page said says told asked added noted explained announced"
    )
)


def fold(text: str) -> str:
    """Lower case without accents: 'Solène' and 'solene' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass
class Facts:
    """The checkable values found in a text."""

    numbers: set[float] = field(default_factory=set)
    months: set[str] = field(default_factory=set)
    weekdays: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Missing:
    kind: str  # "figure" | "date" | "name"
    text: str


def _number(token: str) -> float | None:
    digits = re.sub(r"(st|nd|rd|th)$", "", token)
    if not digits or not digits[0].isdigit():
        return None
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", digits):
        digits = digits.replace(",", "")
    elif re.fullmatch(r"\d+,\d{1,2}", digits):  # "2,10" (European decimal comma)
        digits = digits.replace(",", ".")
    try:
        return float(digits.replace(",", ""))
    except ValueError:
        return None


@dataclass(frozen=True)
class Figure:
    """A figure as written, and where: text[start:end] is its words."""

    value: float
    written: str
    start: int
    end: int


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))  # keeps every other character where it was


def figures_in(text: str) -> list[Figure]:
    """Every figure in the text with the words it was written as and its place: '8 %' -> 8,
    'fourteen million' -> 14e6, '4 billion' -> 4e9, '2.10 euros' -> 2.1. Timecodes and
    citations are left out."""
    text = _TIMECODE.sub(_blank, _CITATION.sub(_blank, text))
    matches = list(_TOKEN.finditer(text))
    tokens = [(m.group(0), fold(m.group(0))) for m in matches]
    found: list[Figure] = []
    i = 0
    while i < len(tokens):
        raw, low = tokens[i]
        value = _number(raw) if raw[0].isdigit() else _word_number(low)
        if value is None:
            i += 1
            continue
        words = [raw]
        j = i + 1
        # "twenty five", "forty-two" (the hyphen splits tokens): add a unit to a ten.
        if j < len(tokens) and value >= 20 and value % 10 == 0 and not raw[0].isdigit():
            unit = _UNITS.get(tokens[j][1])
            if unit is not None and unit < 10:
                value += unit
                words.append(tokens[j][0])
                j += 1
        while j < len(tokens) and tokens[j][1] in _SCALES:
            value *= _SCALES[tokens[j][1]]
            words.append(tokens[j][0])
            j += 1
        found.append(Figure(value, " ".join(words), matches[i].start(), matches[j - 1].end()))
        i = j
    return found


def numbers_in(text: str) -> list[tuple[float, str]]:
    """Every figure in the text as (value, the words it was written as); see figures_in."""
    return [(figure.value, figure.written) for figure in figures_in(text)]


def _word_number(low: str) -> float | None:
    return float(_UNITS[low]) if low in _UNITS else None


def facts_in(text: str) -> Facts:
    facts = Facts()
    for value, _ in numbers_in(text):
        facts.numbers.add(value)
    for year, month, day in _ISO_DATE.findall(text):
        facts.numbers.update({float(year), float(month), float(day)})
        if 1 <= int(month) <= 12:
            facts.months.add(MONTHS[int(month) - 1])
        with suppress(ValueError):  # "2019-02-31" is no day
            facts.weekdays.add(WEEKDAYS[date(int(year), int(month), int(day)).weekday()])
    for word in (fold(w) for w in _TOKEN.findall(text)):
        if word in WEEKDAYS:
            facts.weekdays.add(word)
        month = _month(word)
        if month:
            facts.months.add(month)
        facts.names.add(word)
    return facts


def _month(word: str) -> str | None:
    if word in MONTHS:
        return word
    return MONTH_SHORT.get(word) if word not in ("may", "mar") else None


# What may stand between a sentence's end or an opening quote mark and the next word.
_OPENS_SENTENCE = re.compile(r"[.!?]\s|[\"“‘«]\s*$")


def name_candidates(sentence: str) -> list[str]:
    """Capitalised words that are not sentence framing: 'Elena', 'Varga', 'Rouen', 'EU'."""
    text = _CITATION.sub(" ", sentence)
    names = []
    tokens = list(_TOKEN.finditer(text))
    for index, match in enumerate(tokens):
        word = match.group(0)
        if not word[0].isupper() or word[0].isdigit():
            continue
        # A sentence's first word is capitalised anyway ("Gas was rationed"), also a quoted
        # sentence's ('the recording says: "Electricity tariffs ..."'): a name only when
        # the next word is capitalised too ("Elena Varga resigned").
        gap = text[tokens[index - 1].end() : match.start()] if index else ""
        starts = index == 0 or bool(_OPENS_SENTENCE.search(gap))
        following = tokens[index + 1].group(0) if index + 1 < len(tokens) else ""
        if starts and not following[:1].isupper():
            continue
        low = fold(word).split("'")[0].split("’")[0]
        if low in _COMMON or low in WEEKDAYS or _month(low) or low in MONTHS or len(low) < 2:
            continue
        names.append(word)
    return names


def missing_facts(sentence: str, evidence: Facts) -> list[Missing]:
    """What the sentence states that the evidence does not hold."""
    missing: list[Missing] = []
    for value, written in numbers_in(sentence):
        if not any(same_value(value, known) for known in evidence.numbers):
            missing.append(Missing("figure", written))
    for word in (fold(w) for w in _TOKEN.findall(_CITATION.sub(" ", sentence))):
        weekday = word in WEEKDAYS and word not in evidence.weekdays
        month = word in MONTHS and word != "may" and word not in evidence.months
        if weekday or month:
            missing.append(Missing("date", word))
    for name in name_candidates(sentence):
        base = fold(name).split("'")[0].split("’")[0]
        if base not in evidence.names and base.rstrip("s") not in evidence.names:
            missing.append(Missing("name", name))
    return missing


def days_named(text: str) -> set[str]:
    """Weekdays named, also in the plural ("on Fridays", "closed on Mondays")."""
    return {fold(w).rstrip("s") for w in _LETTERS.findall(text)} & set(WEEKDAYS)


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))
