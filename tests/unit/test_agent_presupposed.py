"""Issue 17, abstention decided by the evidence: what a question takes as given (a place,
a day, a figure) must be held by what the answer cites (presupposed.py), else a true
sentence about another place, day or figure passes for an answer."""

from __future__ import annotations

import pytest

from assistant.agent.evidence import EvidenceBook, EvidenceItem
from assistant.agent.presupposed import unheld_givens
from assistant.agent.support import supports
from assistant.schemas import Clip
from tests.helpers.clips import passage

# The archive's curated name words (names.archive_names), as the session passes them.
NAMES = ["Lyon", "Brussels", "Rennes", "Elena", "Varga", "Morning", "Brief", "Library"]


def _bulletin(file: str, words: str, start_s: float, end_s: float, title: str, date: str) -> Clip:
    """A line of a Lyon radio recording, with its catalogue record."""
    record = {"title": title, "place": "Lyon", "date": date}
    return passage(f"radio/{file}", "audio", words, start_s, end_s, metadata=record)


BRIEF = _bulletin(
    "morning_brief_tue.mp3",
    "Temperatures will fall to minus seven degrees tonight.",
    9.5,
    12.0,
    "Morning brief",
    "2024-01-09",
)
LIBRARY = _bulletin(
    "library_notice.mp3",
    "The library will stay open late on Fridays this month.",
    4.0,
    7.0,
    "Library notice",
    "2024-02-01",
)
STRIKE = _bulletin(
    "strike_bulletin.mp3",
    "The strike is supposed to last until Thursday.",
    7.0,
    10.0,
    "Rail strike bulletin",
    "2022-11-16",
)


def _item(clip: Clip) -> EvidenceItem:
    return EvidenceBook().add(clip, clip.snippet, "search_archive")


@pytest.mark.parametrize(
    ("question", "clip", "unheld"),
    [
        ("How cold will it get tonight in Brussels?", BRIEF, ["Brussels"]),
        ("What did the morning brief of 10 January 2024 say?", BRIEF, ["10"]),
        ("Why is the library closed on Mondays?", LIBRARY, ["monday"]),
        ("Why has the rail strike been extended until Monday?", STRIKE, ["monday"]),
        ("Which evenings is the library open late in March 2024?", LIBRARY, ["march"]),
        # Held by the words or by the record: its place, its date, the date's weekday.
        ("How cold will it get tonight in Lyon?", BRIEF, []),
        ("According to the morning brief of 9 January 2024, how cold will it get?", BRIEF, []),
        ("What overnight low did Tuesday's morning brief forecast?", BRIEF, []),
        ("Which evenings is the Lyon library open late in February 2024?", LIBRARY, []),
        ("Is the library open late on Fridays?", LIBRARY, []),
        # A name the archive does not curate is left to the other checks.
        ("Wie kalt wird es heute Nacht laut dem Morgenbericht?", BRIEF, []),
    ],
)
def test_what_the_question_takes_as_given_must_be_cited(
    question: str, clip: Clip, unheld: list[str]
) -> None:
    assert unheld_givens(question, [_item(clip)], NAMES) == unheld


def test_a_true_sentence_about_another_place_does_not_answer() -> None:
    answer = "Temperatures will fall to minus seven degrees tonight [1]."
    item = _item(BRIEF)
    in_lyon, in_brussels = (
        f"How far will temperatures fall tonight in {place}?" for place in ("Lyon", "Brussels")
    )
    assert supports(in_lyon, answer, [item], [], names=NAMES)
    assert not supports(in_brussels, answer, [item], [], names=NAMES)
    # An upload's question is about the matched clip, whatever it names.
    assert supports(in_brussels, answer, [item], [], upload=True, names=NAMES)
