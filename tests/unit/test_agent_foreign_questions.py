"""Issue 17, a question in another language than English: py3langid tells it (only when
sure), the model rewords it into English search queries whatever the first search found,
and those rewordings are read by the support check and by the fallback quote
(quote_answer.py) as the question is."""

from __future__ import annotations

import json

import pytest

from assistant.agent.evidence import EvidenceBook
from assistant.agent.fakes import FixedEngine, ScriptedLLM
from assistant.agent.quote_answer import quote_answer
from assistant.agent.rewrite import REWRITE_SCHEMA, foreign_language, rewrite_queries
from assistant.agent.session import ChatSession
from assistant.schemas import Clip
from assistant.vocabulary.words import STOP_WORDS
from tests.helpers.clips import passage, tariffs
from tests.helpers.concepts import ConceptEncoder

TARIFFS = tariffs(metadata={"title": "Council briefing", "people": ["Elena Varga"]})
SUMMARY = passage(
    "docs/summary.txt",
    "document",
    "The council agreed that help will be extended to small businesses.",
    score=0.8,
)
FRENCH = "Les tarifs de l'électricité seront-ils gelés l'année prochaine ?"
ENGLISH = ["electricity tariffs frozen", "energy prices next year"]


def _encoder() -> ConceptEncoder:
    return ConceptEncoder({}, set(STOP_WORDS) | {"will", "be"}, 3)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        (FRENCH, "fr"),
        ("Combien de nouveaux enseignants seront embauchés ?", "fr"),
        ("Was hat der Minister über die Lehrer gesagt?", "de"),
        ("Will power bills stay the same next year?", None),
        # Names make a short English question look like something else, unsurely.
        ("What did Minister Okafor say about fuel taxes?", None),
        ("Wo?", None),  # too short to tell
    ],
)
def test_a_question_not_in_english_is_told_only_when_sure(
    question: str, language: str | None
) -> None:
    assert foreign_language(question) == language


def test_the_archives_languages_and_english_are_the_only_choices() -> None:
    # Among English and French only, the German question is neither surely.
    assert foreign_language("Was hat der Minister über die Lehrer gesagt?", ["fr"]) != "de"
    assert foreign_language(FRENCH, ["fr", "de"]) == "fr"


def test_the_rewrite_asks_for_english_queries_of_a_foreign_question() -> None:
    llm = ScriptedLLM([json.dumps({"queries": ENGLISH})])
    assert rewrite_queries(llm, FRENCH, language="fr") == ENGLISH
    prompt = llm.calls[0]["messages"][-1]["content"]
    assert "The question is in French: write both queries in English." in prompt
    rewrite_queries(llm, "Will power bills stay the same?")
    assert "English" not in llm.calls[1]["messages"][-1]["content"]


def test_the_fallback_quote_reads_the_english_rewordings() -> None:
    book = EvidenceBook()
    for clip in (SUMMARY, TARIFFS):
        book.add(clip, clip.snippet, "search_archive")
    # The French words meet nothing in the English line: no quote from them alone.
    assert quote_answer(FRENCH, book.items, _encoder()) is None
    quoted = quote_answer(FRENCH, book.items, _encoder(), rewrites=ENGLISH)
    assert quoted is not None
    assert quoted.text == (
        'In video/briefing.mp4 at 00:07, the recording says: "Electricity tariffs will be '
        'frozen for the whole of next year." [1].'
    )


@pytest.fixture
def session(open_session):
    def make(replies: list, clips: list[Clip]) -> tuple[ChatSession, ScriptedLLM]:
        llm = ScriptedLLM(replies)
        models = {"llm": llm, "support": _encoder()}
        return open_session(FixedEngine(clips), models, rewrite="auto"), llm

    return make


DRAFT = "The council agreed that help will be extended to small businesses [1]."


def test_a_foreign_question_is_reworded_even_when_its_words_were_found(session) -> None:
    # The French line holds the French question's topic words, so an English question
    # found this way would not be reworded.
    french_line = passage(
        "video/briefing_fr.mp4",
        "video",
        "Les tarifs de l'électricité seront gelés toute l'année prochaine.",
        1.0,
        4.0,
        score=0.5,
    )
    replies = [json.dumps({"queries": ENGLISH}), json.dumps({"answerable": True, "answer": ""})]
    chat, llm = session(replies, [french_line, SUMMARY])
    chat.ask(FRENCH)
    assert llm.calls[0]["json_schema"] == REWRITE_SCHEMA
    assert "write both queries in English" in llm.calls[0]["messages"][-1]["content"]


def test_a_foreign_question_is_answered_from_the_english_line_its_rewordings_meet(
    session,
) -> None:
    # The draft cites the wrong source; the line that answers is found by the rewordings.
    replies = [json.dumps({"queries": ENGLISH}), json.dumps({"answerable": True, "answer": DRAFT})]
    chat, _ = session(replies, [SUMMARY, TARIFFS])
    answer = chat.ask(FRENCH)
    assert not answer.abstained
    assert "Electricity tariffs will be frozen" in answer.text
    assert "small businesses" not in answer.text
    assert [c.clip.file for c in answer.citations] == ["video/briefing.mp4"]
