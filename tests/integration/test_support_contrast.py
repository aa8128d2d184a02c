"""The support check with the packaged sentence encoder (models.support): a true, cited
sentence about another subject than the one asked does not answer ("What pay rise are the
teachers demanding?" and the rail union's eight percent: newsroom t6-13), while a
paraphrase, whose words the evidence lacks by nature, still does (support.contrasting_word)."""

from __future__ import annotations

import pytest

from assistant.agent.evidence import EvidenceBook, EvidenceItem
from assistant.agent.support import addresses_question, contrasting_word
from assistant.config import load_settings
from assistant.models.provider import ModelProvider
from tests.helpers.clips import passage

pytestmark = pytest.mark.slow

PAY = "The rail union is demanding a pay rise of eight percent."
BREAD = "Bakers expect bread to cost ten cents more by the winter."
HOUSING = "The council will spend four billion euros on new housing."
TEACHERS = "We will hire two thousand new teachers before the autumn."
TARIFFS = "Electricity tariffs will be frozen for the whole of next year."
BRIEFING = {"title": "Council briefing", "place": "Brussels"}


def _item(text: str, metadata: dict[str, str] | None = None) -> EvidenceItem:
    clip = passage("radio/clip.mp3", "audio", text, 1.0, 5.0, metadata=metadata or {})
    return EvidenceBook().add(clip, text, "search_archive")


@pytest.fixture(scope="module")
def encoder():  # type: ignore[no-untyped-def]
    found = ModelProvider(load_settings("default").models).support()
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("question", "line", "word"),
    [
        ("What pay rise are the teachers demanding?", PAY, "teachers"),
        ("What do bakers expect to happen to the price of milk?", BREAD, "milk"),
        ("How much will the council spend on new roads?", HOUSING, "roads"),
        ("How many teachers will the rail union hire?", TEACHERS, "rail"),
    ],
)
def test_a_sentence_about_another_subject_does_not_address_the_question(
    encoder, question: str, line: str, word: str
) -> None:  # type: ignore[no-untyped-def]
    item = _item(line)
    assert contrasting_word(question, [item], encoder) == word
    assert not addresses_question(question, [], [item], encoder)


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("What pay rise is the rail union demanding?", PAY),
        ("Is bread going to get more expensive?", BREAD),
        ("How much more will a loaf of bread cost?", BREAD),
        ("Are there plans to recruit more school staff?", TEACHERS),
        ("Is the government taking on more educators?", TEACHERS),
        ("Will power bills stay the same next year?", TARIFFS),
        ("Will household energy charges be held where they are?", TARIFFS),
    ],
)
def test_the_sentence_that_answers_still_does(encoder, question: str, line: str) -> None:  # type: ignore[no-untyped-def]
    assert contrasting_word(question, [_item(line)], encoder) is None
    assert addresses_question(question, [], [_item(line)], encoder)


def test_a_word_the_record_holds_is_not_a_contrast(encoder) -> None:  # type: ignore[no-untyped-def]
    question = "What follows the short break at the council briefing?"
    line = "Questions from the press will follow after a short break."
    assert contrasting_word(question, [_item(line, BRIEFING)], encoder) is None
