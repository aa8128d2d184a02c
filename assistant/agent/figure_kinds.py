"""The kind of figure a question asks for, and whether the answer gives one its evidence holds.

Asked "How much does the new crane cost?", the packaged model answered "The old crane must
be replaced within two years [1]": the topic matches and "two years" is in the clip, so
the figure and topic checks pass, yet a duration is no price. A question asking for an
amount of money, a count or a date is only answered by a figure of that kind, and that
figure (same kind, same value, normalised by claims.py) must stand in the cited evidence:
- money ("how much does X cost", "what does X cost", "what price"): a currency amount;
- a count ("how many people"): a number with a countable noun ("2,000 people"), not a
  duration, a percentage, a sum of money or a date;
- a date ("when", "what day", "which year"): a weekday, month, year, season, clock time
  ("9 pm") or a relative date ("next week", "within two years");
- a span ("how long will the strike last / go on"): a duration ("two weeks") or the date
  it ends ("until Thursday"); "a pay rise of 8 %" does not say how long a walkout goes on.
A figure written bare ("It costs 40 million [1]") counts when the evidence gives that value
as the kind asked ("forty million euros"). Other questions are not affected.
"""

from __future__ import annotations

import re
from typing import Literal

from assistant.agent.claims import MONTHS, WEEKDAYS, Figure, facts_in, figures_in, fold, same_value
from assistant.vocabulary.words import STOP_WORDS

Kind = Literal["money", "count", "date", "span"]

_MONEY_QUESTION = re.compile(
    r"\bhow much\b[^?]*\b(costs?|costing|pay|paid|paying|spend|spent|spending|charges?|"
    r"charged|invest|invested|budget|budgeted|worth|money|funding|price|prices|fare|fares|"
    r"fee|fees|rent|salary|wages?|fine|subsidy|grant|euros?|dollars?|pounds?)\b"
    r"|\bhow expensive\b"
    r"|\bwhat (?:does|did|do|will|would|could|might|should) [^?]*\bcost\W*$"
    r"|\bwhat (?:is|was|are|were|will be) the (?:price|prices|cost|budget|fare|fee|fees|rent|"
    r"bill|salary)\b"
    r"|\b(?:what|which) price\b",
    re.IGNORECASE,
)
# "How much did prices rise?" asks for a change, which a percentage answers as well.
_CHANGE = re.compile(
    r"\b(rise|rises|rose|risen|fall|falls|fell|fallen|increase[sd]?|decrease[sd]?|drop|"
    r"dropped|grow|grew|grown|climb|climbed|go up|went up|gone up|go down|went down|cut)\b",
    re.IGNORECASE,
)
_HOW_MANY = re.compile(r"\bhow many\s+([^\W\d_]+)", re.IGNORECASE)
_WHEN = re.compile(
    r"^\W*(?:(?:and|so|but|then)\s+)?(?:since |until |till )?when\b"
    r"|\b(?:what|which) (?:date|day|year|month|weekday)\b",
    re.IGNORECASE,
)
# "How long will it last / go on / take": a time span (not "how long is the bridge").
_HOW_LONG = re.compile(
    r"\bhow long\b(?! ago)[^?]*\b(?:last|lasts|lasted|lasting|go on|goes on|going on|went on|"
    r"take|takes|took|continue|continues|continued|stay|stays|stayed|remain|remains|"
    r"remained|run|runs|ran|be (?:closed|open|shut|off))\b",
    re.IGNORECASE,
)
_TIME_UNITS = frozenset(
    str.split(
        "year years month months week weeks day days hour hours minute minutes second seconds "
        "decade decades century centuries night nights weekend weekends"
    )
)
_CURRENCY_WORDS = frozenset(
    str.split(
        "euro euros eur dollar dollars usd pound pounds gbp sterling franc francs chf cent cents "
        "pence crown crowns krona kronor krone kroner yen yuan rupee rupees zloty"
    )
)
_CURRENCY_BEFORE = re.compile(r"(?:[€$£¥]|\b(?:EUR|USD|GBP|CHF))\s*$", re.IGNORECASE)
_PERCENT_AFTER = re.compile(r"^\s*(?:%|percent\b|per\s*cent\b|percentage\b)", re.IGNORECASE)
_NEXT_WORD = re.compile(r"^[\s-]*([^\W\d_]+)", re.UNICODE)
_PREVIOUS_WORD = re.compile(r"([^\W\d_]+)\W*$", re.UNICODE)
_ORDINAL = re.compile(
    r"(?:\d(?:st|nd|rd|th)|third|fourth|fifth|sixth|seventh|eighth|ninth|"
    r"tenth|eleventh|twelfth|fifteenth|twentieth|thirtieth)$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d{2}(?![\d.,])")
_SEASONS = "spring summer autumn fall winter weekend christmas easter"
_RELATIVE_DAYS = frozenset(str.split("today tomorrow yesterday tonight " + _SEASONS))
_RELATIVE = re.compile(
    r"\b(next|last|this|coming|past) (week|month|year|weekend|spring|summer|autumn|fall|"
    r"winter|" + "|".join(WEEKDAYS) + r")\b",
    re.IGNORECASE,
)
_OF_MONTH = re.compile(r"^\s*of\s+(?:" + "|".join(MONTHS) + r")\b", re.IGNORECASE)
_WITHIN = re.compile(r"\b(?:in|within|after|by|for)\s*$|\b(?:the next|the coming)\s*$", re.I)
# A clock time is a "when" too ("closes at 9 pm"); a bare "00:10" is a quote's timecode.
_CLOCK = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?", re.IGNORECASE)
_AM_PM = re.compile(r"^\s*([ap])\.?\s?m\b", re.IGNORECASE)
_AGO = re.compile(r"^\s*(?:ago|later|from now|away)\b", re.IGNORECASE)


def asked_kind(question: str) -> Kind | None:
    """The kind of figure the question asks for, or None when it asks for no such figure."""
    if _MONEY_QUESTION.search(question) and not _CHANGE.search(question):
        return "money"
    many = _HOW_MANY.search(question)
    if many:
        noun = fold(many.group(1))
        if noun in _CURRENCY_WORDS:
            return "money"
        if noun in _TIME_UNITS or noun.startswith("percent"):
            return None  # a duration or a share: the general figure check judges it
        return "count"
    if _WHEN.search(question):
        return "date"
    if _HOW_LONG.search(question):
        return "span"
    return None


def kind_of(figure: Figure, text: str) -> str:
    """What one figure in `text` is: money, percent, duration, date, count or bare."""
    before, after = text[: figure.start], text[figure.end :]
    following = _NEXT_WORD.match(after)
    nxt = fold(following.group(1)) if following else ""
    previous = _PREVIOUS_WORD.search(before)
    prev = fold(previous.group(1)) if previous else ""
    if _CURRENCY_BEFORE.search(before) or nxt in _CURRENCY_WORDS:
        return "money"
    if _PERCENT_AFTER.match(after):
        return "percent"
    if nxt in _TIME_UNITS:
        return "duration"
    if _ORDINAL.search(figure.written) or nxt in MONTHS or prev in MONTHS:
        return "date"
    if nxt == "of" and _OF_MONTH.match(after):  # "the 5th of July", "5 of July"
        return "date"
    if _YEAR.fullmatch(figure.written) and (not nxt or nxt in STOP_WORDS):
        return "date"
    if nxt and nxt not in STOP_WORDS:
        return "count"
    return "bare"


def _typed(text: str) -> list[tuple[str, float]]:
    return [(kind_of(figure, text), figure.value) for figure in figures_in(text)]


def date_marks(text: str) -> set[str]:
    """The dates a text names, as comparable marks: 'month:july', 'weekday:friday',
    'year:2023', 'spring', 'next:week', 'in:2.0:years'."""
    facts = facts_in(text)
    marks = {f"month:{m}" for m in facts.months} | {f"weekday:{d}" for d in facts.weekdays}
    if not re.search(r"\bMay\b", text):  # "it may close" names no month
        marks.discard("month:may")
    words = {fold(w) for w in re.findall(r"[^\W\d_]+", text)}
    marks |= {f"weekday:{w.rstrip('s')}" for w in words if w.rstrip("s") in WEEKDAYS}
    marks |= {w for w in words if w in _RELATIVE_DAYS}
    marks |= {f"year:{y}" for y in _YEAR.findall(text)}
    marks |= {f"{a.lower()}:{b.lower()}" for a, b in _RELATIVE.findall(text)}
    marks |= {f"clock:{int(h)}:{m or '00'}{ap.lower()}" for h, m, ap in _CLOCK.findall(text)}
    for figure in figures_in(text):
        clock = _AM_PM.match(text[figure.end :])
        if clock and figure.value == int(figure.value):  # "nine pm"
            marks.add(f"clock:{int(figure.value)}:00{clock.group(1).lower()}")
        unit = _NEXT_WORD.match(text[figure.end :])
        if unit is None or fold(unit.group(1)) not in _TIME_UNITS:
            continue
        rest = text[figure.end + unit.end() :]
        if _WITHIN.search(text[: figure.start]) or _AGO.match(rest):
            marks.add(f"in:{figure.value}:{fold(unit.group(1)).rstrip('s')}")
    return marks


def answers_kind(question: str, answer: str, evidence: str) -> bool:
    """Does the answer state a figure of the kind the question asks for, which the cited
    evidence holds as that kind too? True when the question asks for no such figure."""
    kind = asked_kind(question)
    if kind is None:
        return True
    if kind == "date":
        return bool(date_marks(answer) & date_marks(evidence))
    if kind == "span":
        durations = {value for found, value in _typed(evidence) if found == "duration"}
        lasting = any(
            found == "duration" and any(same_value(value, known) for known in durations)
            for found, value in _typed(answer)
        )
        return lasting or bool(date_marks(answer) & date_marks(evidence))
    held = {value for found, value in _typed(evidence) if found == kind}
    return any(
        found in (kind, "bare") and any(same_value(value, known) for known in held)
        for found, value in _typed(answer)
    )
