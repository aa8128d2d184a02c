"""A question asking for a price, a count or a date is answered only by a figure of that
kind which the cited evidence holds (agent/figure_kinds.py)."""

from __future__ import annotations

import pytest

from assistant.agent.claims import figures_in
from assistant.agent.figure_kinds import answers_kind, asked_kind, date_marks, kind_of

CRANE = (
    "Harbour master Jonas Berg says the new crane will cost forty million euros. "
    "He warns that the old crane must be replaced within two years."
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How much does the new crane cost?", "money"),
        ("What does the new crane cost?", "money"),
        ("What is the price of a ticket?", "money"),
        ("How many euros will the city spend?", "money"),
        ("How many people attended the festival?", "count"),
        ("When does the strike end?", "date"),
        ("And which day will the library open late?", "date"),
        # Not asking for a figure of one kind: left to the other checks.
        ("How much did wheat prices rise?", None),
        ("How many years will the works take?", None),
        ("Why did wheat prices rise in Rouen?", None),
        ("What did Okafor say about the price of wheat?", None),
        ("What did the mayor say when asked about the metro?", None),
    ],
)
def test_the_kind_a_question_asks_for(question: str, kind: str | None) -> None:
    assert asked_kind(question) == kind


def test_a_duration_does_not_answer_what_something_costs() -> None:
    question = "How much does the new crane cost?"
    answer = "The old crane must be replaced within two years [1]."
    assert not answers_kind(question, answer, CRANE)
    assert not answers_kind("What does the new crane cost?", answer, CRANE)


def test_a_sum_of_money_the_evidence_gives_answers_a_cost_question() -> None:
    question = "How much does the new crane cost?"
    assert answers_kind(question, "The new crane will cost 40 million euros [1].", CRANE)
    assert answers_kind(question, "It will cost €40m [1].", CRANE)
    # Written bare, the value is the evidence's sum of money.
    assert answers_kind(question, "The new crane will cost 40 million [1].", CRANE)
    # A sum the evidence does not give is no answer, whatever its currency.
    assert not answers_kind(question, "The new crane will cost 50 million euros [1].", CRANE)


def test_a_count_needs_a_counted_noun_not_a_date_or_duration() -> None:
    evidence = "About two thousand people came to the festival on the 5th of July."
    question = "How many people came to the festival?"
    assert answers_kind(question, "About 2,000 people came [1].", evidence)
    assert not answers_kind(question, "The festival was on the 5th of July [1].", evidence)
    assert not answers_kind(question, "It lasted two days [1].", "It lasted two days.")


def test_a_weekday_answers_a_when_question() -> None:
    evidence = "The union says the strike will last until Thursday."
    assert answers_kind("When does the strike end?", "It ends on Thursday [1].", evidence)
    assert not answers_kind("When does the strike end?", "It ends on Friday [1].", evidence)
    assert not answers_kind("When does the strike end?", "The union is on strike [1].", evidence)
    notice = "The town hall car park closes at 9 pm from May."
    assert answers_kind("When does the car park close?", "It closes at nine p.m. [1].", notice)
    assert not answers_kind("When does it close?", "It may close [1].", "It may close.")
    library = "The library will stay open late on Fridays."
    assert answers_kind("When is the library open late?", "On Fridays [1].", library)


def test_a_relative_date_answers_when_and_a_question_without_a_kind_is_unaffected() -> None:
    question = "When must the old crane be replaced?"
    assert answers_kind(question, "It must be replaced within two years [1].", CRANE)
    other = "What did Jonas Berg say about the old crane?"
    assert answers_kind(other, "He warns the old crane must be replaced [1].", CRANE)
    assert answers_kind(other, "No figure at all [1].", "")


def test_each_figure_is_read_with_its_unit() -> None:
    text = "About 2,000 people came in 2019, wages rose 8 %, it took three weeks, cost $5."
    kinds = [kind_of(figure, text) for figure in figures_in(text)]
    assert kinds == ["count", "date", "percent", "duration", "money"]
    assert {"year:2023", "month:april", "weekday:tuesday"} <= date_marks("on 2023-04-18")
