"""Does this turn's cited evidence address this turn's question? Decided per turn.

The packaged 1.5B model marks "What did Solène Marchetti say about extending the metro in
Rennes?" answerable when a clip of Marchetti talking about bike lanes is in front of it,
and writes a true sentence about the wrong thing. Its citations and figures then check
out, so a separate test looks at the question's topic: the words that are not names,
roles or question framing ("metro", "extending") must mostly appear in what the answer
cites. A paraphrase ("Will power bills stay the same?") is judged by the model's rewordings
of it too ("electricity tariffs frozen"), which is what found the clip in the first place,
and by meaning (meaning.py): "Did the cost of grain go up?" shares no topic word with "Wheat
prices rose", but a sentence encoder puts them close. Closeness of topic is not an answer,
so the answer must also be of the kind asked: a figure or date for "how much / when", a
quantity for "how many", a name for "who / where" (`supports`), and a sum of money for a
price, a count for "how many", a date for "when", held as such by what is cited
(figure_kinds.py).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from assistant.agent.claims import (
    MONTHS,
    days_named,
    facts_in,
    fold,
    missing_facts,
    name_candidates,
    numbers_in,
)
from assistant.agent.evidence import EvidenceItem, clean_text
from assistant.agent.figure_kinds import answers_kind
from assistant.agent.grounding import CORRECTION_NOTE, content_words, names_only_its_source
from assistant.agent.meaning import MIN_MEANING, SentenceEncoder, closeness
from assistant.agent.presupposed import unheld_givens
from assistant.agent.roles import OFFICES
from assistant.agent.whose_words import words_of_asked

# Share of the topic words the cited evidence must hold.
MIN_COVERAGE = 0.5
_FRAMING = frozenset(
    str.split(
        "tell told telling speak spoke speaking talk talked mention mentioned according "
        "report reported reporting many much people year years last next new time times often "
        "long plans plan still ever really exactly happen happened going get got make made "
        "think thought know known show shown give given day days week weeks today yesterday "
        "tonight morning evening night thing things way ways kind recorded record filmed film "
        "taken shot photographed published written broadcast aired held place date where "
        "guest host presenter master"
    )
) | {fold(office) + plural for office in OFFICES for plural in ("", "s")}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "ly", "er"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:6]


def topic_words(question: str, names: set[str]) -> set[str]:
    """The question's content words that are not names, roles or framing."""
    words = _WORD.findall(question)
    capitalised = {fold(w) for w in words[1:] if w[0].isupper()}
    return {fold(w) for w in content_words(question)} - _FRAMING - capitalised - names


def coverage(topic: set[str], evidence: str) -> float:
    if not topic:
        return 1.0
    stems = {_stem(fold(w)) for w in content_words(evidence)}
    return sum(_stem(word) in stems for word in topic) / len(topic)


def addresses_question(
    question: str,
    rewrites: list[str],
    cited: list[EvidenceItem],
    encoder: SentenceEncoder | None = None,
) -> bool:
    """True when the cited evidence holds most of the topic of the question (or of one of
    the model's rewordings of it), or, with an encoder, a cited sentence is close to it in
    meaning (a paraphrase)."""
    if not cited:
        return False
    if encoder is not None and closeness([question, *rewrites], cited, encoder) >= MIN_MEANING:
        return True
    names = {
        fold(w)
        for item in cited
        for w in _WORD.findall(
            " ".join(item.facts().get(field, "") for field in ("people", "place"))
        )
    }
    evidence = " ".join(item.checkable_text for item in cited)
    return any(
        coverage(topic_words(text, names), evidence) >= MIN_COVERAGE
        for text in [question, *rewrites]
    )


# Questions whose answer is a figure or a date ("how often" is not: "every hour").
_ASKS_FIGURE = re.compile(
    r"\b(how (much|many|high|low|long|far|big|large|old|cold|warm|hot)|by how much|"
    r"what (percentage|share|amount|sum|price|date|day|year|time)|which (date|day|year)|"
    r"when)\b",
    re.IGNORECASE,
)
_FILE = re.compile(r"\S+\.[A-Za-z0-9]{2,4}\b")
# A diarized speaker's label ("Voice 1 (Jonas Berg) says: ...") is who speaks, not a
# figure: counted as one, a quote with no figure passed for "by how many euros?".
_VOICE = re.compile(r"\bVoice \d+\b")


def _statements(answer: str) -> str:
    """The answer without what frames its claims: file names, the grounding note and
    speaker labels."""
    return _VOICE.sub(" ", _FILE.sub(" ", CORRECTION_NOTE.sub(" ", answer)))


def asks_for_figure(question: str) -> bool:
    return bool(_ASKS_FIGURE.search(question))


def states_figure(answer: str) -> bool:
    """Does the answer give any figure, date, weekday or month (file names aside)?"""
    text = _statements(answer)
    facts = facts_in(text)
    return bool(facts.numbers or facts.months or facts.weekdays or days_named(text))


# Questions about the recording or file itself ("when was this filmed?", "when did Okafor
# say it?"): its catalogue date is the answer. Other "when" questions ask about an event.
_ABOUT_RECORD = re.compile(
    r"\b(said|say|says|spoke|speak|announced|recorded|filmed|broadcast|aired|published|"
    r"taken|shot|photographed|interview(ed)?|this (video|clip|photo|picture|recording|file))\b",
    re.IGNORECASE,
)


def asks_about_record(question: str) -> bool:
    return bool(_ABOUT_RECORD.search(question))


def figure_from_words(answer: str, cited: list[EvidenceItem]) -> bool:
    """Does the answer give a figure or date the cited clips' own words hold? A catalogue
    record's date is when a recording was made, not when what it mentions happened: "When
    did Jonas Berg become harbour master?" is not answered by the interview's 2023-04-18."""
    text = _statements(answer)
    claimed = facts_in(text)
    stated = len(numbers_in(text)) + len(claimed.months) + len(claimed.weekdays)
    heard = " ".join(clean_text(item.text) for item in cited)
    words = facts_in(heard)
    unheard = [m for m in missing_facts(text, words) if m.kind != "name"]
    return stated > len(unheard) or bool(days_named(text) & days_named(heard))


# "How many / how much" asks for a quantity: a date ("the 5th of July") does not answer it.
_ASKS_QUANTITY = re.compile(
    r"\b(how (much|many)|by how much|what (percentage|share|amount|sum|price))\b", re.IGNORECASE
)
_MONTH = (
    "|".join(m for m in MONTHS if len(m) > 3)
    + "|may|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_ORDINAL = r"(?:\d{1,2}(?:st|nd|rd|th)?|[a-z]+(?:st|nd|rd|th))"
_DATE = re.compile(
    rf"\b(?:(?:the )?{_ORDINAL}(?: of)? (?:{_MONTH})\b(?:,? \d{{4}})?"
    rf"|(?:{_MONTH}) {_ORDINAL}\b(?:,? \d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}}|(?:19|20)\d{{2}}"
    r"|\d{1,2}:\d{2}(?::\d{2})?|\[\d+\])",
    re.IGNORECASE,
)


def asks_for_quantity(question: str) -> bool:
    return bool(_ASKS_QUANTITY.search(question))


def states_quantity(answer: str) -> bool:
    """Does the answer give a number that is not part of a date, a timecode or a [n]?"""
    text = _DATE.sub(" ", _statements(answer))
    return bool(numbers_in(text))


# "Who / whom / whose" asks for a person, "where" for a place: an answer naming neither
# (only the quote about the festival, for "Who is the headline act?") does not answer it.
# "Which company / party / town ..." asks for a name as "who" and "where" do.
_ASKS_NAME = re.compile(
    r"^\W*(?:and\s+|so\s+)?(who|whom|whose|where|which\s+(?:company|companies|firm|firms|"
    r"party|parties|union|unions|town|towns|city|cities|country|countries|organisation|"
    r"organization|minister|person|people))\b",
    re.IGNORECASE,
)
_NOT_NAMES = frozenset({"voice", "recording", "document", "quote"})


# "Where else does this photo appear?" asks which files and clips, not for a place.
_WHERE_IN_ARCHIVE = re.compile(r"^\W*where\s+else\b|\b(?:appears?|appeared|used|shown)\b", re.I)


def asks_for_name(question: str, upload: bool = False) -> bool:
    """Does the question ask for a person or a place? A "where" about an upload, or about
    where in the archive something appears, is answered by the matching clips instead."""
    asked = _ASKS_NAME.search(question)
    if asked is None:
        return False
    return asked.group(1).lower() != "where" or not (upload or _WHERE_IN_ARCHIVE.search(question))


def states_name(answer: str, question: str, cited: list[EvidenceItem] | None = None) -> bool:
    """Does the answer name someone or somewhere the question did not already name, and
    (given `cited`) that the cited clips' own words name? "Jonas Berg will replace the old
    crane" cites "He warns that the old crane must be replaced": the name is only the
    record's; who speaks is the record's answer only when asked who said it."""
    text = _statements(answer)
    asked = {fold(w) for w in _WORD.findall(question)}
    names = [
        fold(name)
        for name in name_candidates(text)
        if fold(name) not in asked and fold(name) not in _NOT_NAMES
    ]
    if cited is None or not names:
        return bool(names)
    record = asks_about_record(question)
    heard = " ".join(item.checkable_text if record else clean_text(item.text) for item in cited)
    held = {fold(w) for w in _WORD.findall(heard)}
    return any(name in held for name in names)


def supports(
    question: str,
    answer: str,
    cited: list[EvidenceItem],
    rewrites: list[str],
    encoder: SentenceEncoder | None = None,
    restated: bool = False,
    upload: bool = False,
    names: Collection[str] = (),
) -> bool:
    """Does this turn's grounded answer, with what it cites, answer this turn's question?
    Its topic (words or meaning; a follow-up a rule spelled out is about the clip it reads
    on from), what it takes as given (`names`: the archive's curated names), then the
    kind of answer asked for."""
    if not restated and not addresses_question(question, rewrites, cited, encoder):
        return False  # true sentences, but about something else than was asked
    if not upload and unheld_givens(question, cited, names):
        return False  # presupposed.py: about another place, day or figure than asked
    if asks_for_figure(question) and not states_figure(answer):
        return False  # asked "how much" / "when": the sources give no figure
    if asks_for_quantity(question) and not states_quantity(answer):
        return False  # asked "how many": a date is not a quantity
    if asks_for_name(question, upload) and not states_name(answer, question, cited):
        return False  # asked "who" / "where": no one and nowhere is named
    if not words_of_asked(question, cited):
        return False  # asked what a named person said: no cited item is theirs
    if names_only_its_source(answer, cited, question):
        return False  # "The Regional Hour, Brussels [1]": only the source's own record
    evidence = " ".join(item.checkable_text for item in cited)
    if not answers_kind(question, _statements(answer), evidence):
        return False  # asked a price, a count or a date: no figure of that kind is cited
    # The only figure is the record's own date or number.
    return not (
        asks_for_figure(question)
        and not asks_about_record(question)
        and not figure_from_words(answer, cited)
    )
