"""Issue 17, answers a journalist can trust: what a named person said is answered only from
that person's words or record (whose_words.py); "which company / union / town" asks for a
name like "who"; a verbless answer that only names its source's record counts as empty,
except where the record's value is what was asked (grounding.names_only_its_source)."""

from __future__ import annotations

import pytest

from assistant.agent.evidence import EvidenceBook, EvidenceItem
from assistant.agent.grounding import names_only_its_source
from assistant.agent.support import asks_for_name, supports
from assistant.agent.whose_words import asked_speaker, words_of_asked
from assistant.schemas import Clip
from tests.helpers.clips import passage

MARCHETTI = {"title": "The Regional Hour", "people": ["Solène Marchetti"], "place": "Rennes"}
VARGA = {
    "title": "Council briefing",
    "people": ["Elena Varga"],
    "place": "Brussels",
    "date": "2019-03-12",
}
METRO = passage(
    "video/regional_hour.mp4",
    "video",
    "The metro line to the airport will be extended by two stations next spring.",
    3.0,
    8.0,
    metadata=VARGA,
)
METRO_MARCHETTI = passage(
    "video/regional_hour.mp4",
    "video",
    "The metro line to the airport will be extended by two stations next spring.",
    3.0,
    8.0,
    metadata=MARCHETTI,
)
FESTIVAL = passage(
    "video/regional_hour.mp4",
    "video",
    "The summer festival moves to the fifth of July because of the works.",
    12.0,
    16.0,
    metadata={**MARCHETTI, "date": "2019-03-12"},
)


def _item(clip: Clip) -> EvidenceItem:
    return EvidenceBook().add(clip, clip.snippet, "search_archive")


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("What did Minister Okafor say about the election date?", ["Okafor"]),
        ("What did Solène Marchetti say about extending the metro?", ["Solène", "Marchetti"]),
        ("Tell me what Paul Okafor promised about teachers", ["Paul", "Okafor"]),
        ("According to Jonas Berg, how much did traffic grow?", ["Jonas", "Berg"]),
        # An office, a pronoun or a body is nobody's name: other checks judge those.
        ("What did the commissioner say about housing at the briefing?", []),
        ("And what did he say after that?", []),
        ("What did the mayor of Rennes say about the metro?", []),
        ("What does the council summary say about energy support?", []),
        ("When will Minister Okafor hold the election?", []),
    ],
)
def test_the_person_whose_words_are_asked_for(question: str, names: list[str]) -> None:
    assert asked_speaker(question) == names


def test_a_named_persons_words_need_that_person_in_the_cited_item() -> None:
    question = "What did Solène Marchetti say about extending the metro?"
    assert not words_of_asked(question, [_item(METRO)])  # Elena Varga's briefing
    assert words_of_asked(question, [_item(METRO_MARCHETTI)])  # her record names her
    # The same clip answers a question that asks for no one's words.
    assert words_of_asked("Will the metro be extended?", [_item(METRO)])


def test_support_refuses_someone_elses_words_on_the_asked_topic() -> None:
    question = "What did Solène Marchetti say about extending the metro?"
    answer = "The metro line to the airport will be extended by two stations [1]."
    assert not supports(question, answer, [_item(METRO)], [])
    assert supports(question, answer, [_item(METRO_MARCHETTI)], [])


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Which company will build the new crane?", True),
        ("Which union called the rail strike?", True),
        ("which town hosts the summer festival?", True),
        ("Who is the harbour master?", True),
        ("Which date was the festival moved to?", False),
        ("What did the union demand?", False),
    ],
)
def test_which_company_or_union_asks_for_a_name(question: str, asks: bool) -> None:
    assert asks_for_name(question) is asks


def test_which_union_is_not_answered_without_a_name() -> None:
    item = _item(
        passage(
            "radio/strike.mp3",
            "audio",
            "The rail union is demanding a pay rise of eight percent for all drivers.",
            1.0,
            4.0,
        )
    )
    answer = "The rail union is demanding a pay rise of eight percent [1]."
    assert supports("What is the rail union demanding as a pay rise?", answer, [item], [])
    assert not supports("Which union is demanding a pay rise?", answer, [item], [])


@pytest.mark.parametrize(
    "answer",
    [
        "The Regional Hour [1].",
        "The Regional Hour, Rennes, 12 March 2019 [1].",
        "Solène Marchetti, Rennes [1]",
    ],
)
def test_an_answer_naming_only_its_source_is_empty(answer: str) -> None:
    question = "What is The Regional Hour reporting about the summer festival?"
    assert names_only_its_source(answer, [_item(FESTIVAL)], question)
    assert not supports(question, answer, [_item(FESTIVAL)], [])


@pytest.mark.parametrize(
    "answer",
    [
        "The festival moves to the fifth of July [1].",  # says something
        "The Regional Hour, 2020 [1].",  # a year the record does not give
        "The Regional Hour is on in Rennes [1].",  # a sentence, not a bare label
        'In video/regional_hour.mp4 at 00:12, the recording says: "The summer festival '
        'moves to the fifth of July because of the works." [1].',
    ],
)
def test_an_answer_that_says_more_than_its_record_is_not_empty(answer: str) -> None:
    question = "What is The Regional Hour reporting about the summer festival?"
    assert not names_only_its_source(answer, [_item(FESTIVAL)], question)


@pytest.mark.parametrize(
    "question",
    [
        "Where was the festival report filmed?",
        "When was The Regional Hour broadcast?",
        "Which programme reported on the summer festival?",
        "Who presents the festival report?",
        "In which town is the festival held?",
    ],
)
def test_where_when_which_who_are_answered_by_the_record(question: str) -> None:
    assert not names_only_its_source("Rennes, 12 March 2019 [1].", [_item(FESTIVAL)], question)
