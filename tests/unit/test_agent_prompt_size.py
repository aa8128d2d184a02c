"""What the answer prompt leaves out and when the planner is skipped (issue 17: on 2 cores
each prompt token costs ~15 ms and each planning call ~10 s), without hiding anything
that could answer the question."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from assistant.agent.evidence import EvidenceBook
from assistant.agent.fakes import FixedEngine, ScriptedLLM
from assistant.agent.rewrite import topic_query
from assistant.agent.session import ANSWER_SCHEMA, ChatSession
from assistant.agent.tag_items import answers_nothing, tags_only
from assistant.archive import Archive
from assistant.retrieval.outcome import SearchOutcome
from assistant.schemas import SearchQuery
from tests.helpers.builders import clip_of
from tests.helpers.clips import ELECTION
from tests.helpers.rewriting import archive_rewriting

FACTS = {"title": "Morning brief", "date": "2024-01-09", "place": "Lyon"}


def _hit(start: float, text: str, kind: str = "speech", score: float = 0.9, asset: str = "b"):
    return clip_of(
        "radio/brief.mp3",
        "audio",
        start,
        start + 4,
        asset_id=asset * 16,
        score=score,
        snippet=text,
        segment_ids=[f"{asset * 16}:{kind}:{int(start)}"],
        metadata=FACTS,
    )


def _book(question: str, *hits) -> EvidenceBook:
    book = EvidenceBook(question=question)
    for rank, hit in enumerate(hits):
        book.add(hit, hit.snippet, "search_archive", rank=rank)
    return book


def test_tag_hits_are_shown_only_when_they_name_what_is_asked() -> None:
    pool = _hit(0, "The city pool will stay closed for ten weeks.")
    rustle = _hit(8, "Sounds: rustle (32%), noise (32%)", kind="sound")
    siren = _hit(12, "Sounds: siren (91%), vehicle (40%)", kind="sound")
    assert tags_only(rustle.snippet) and not tags_only(pool.snippet)
    shown = _book("How long will the city pool stay closed?", pool, rustle, siren).shown(5)
    assert [item.clip.snippet for item in shown] == [pool.snippet]
    asked = _book("Was a siren heard during the brief?", pool, rustle, siren).shown(5)
    assert siren.snippet in [item.clip.snippet for item in asked]
    assert rustle.snippet not in [item.clip.snippet for item in asked]
    # Without a question (an upload alone) nothing is judged unanswerable.
    assert not answers_nothing(rustle.snippet, "")


def test_the_same_words_of_one_file_are_shown_once() -> None:
    line = "Temperatures will fall to minus 7 degrees tonight."
    first, again = _hit(9, line), _hit(9.2, line, score=0.85)
    book = _book("How cold will it get tonight?", first, again)
    assert len(book.items) == 2  # both stay citable records of the search...
    assert [item.n for item in book.shown(5)] == [1]  # ...the model reads the line once


def test_a_files_title_date_and_place_are_given_once() -> None:
    book = _book(
        "Where and when did the brief say the pool would stay closed?",
        _hit(0, "The city pool will stay closed for ten weeks."),
        _hit(9, "Temperatures will fall to minus 7 degrees tonight."),
    )
    lines = book.render(5).splitlines()
    assert len(lines) == 2
    assert 'title="Morning brief" date="2024-01-09" place="Lyon"' in lines[0]
    assert "title=" not in lines[1] and "date=" not in lines[1]
    assert 'src="radio/brief.mp3 00:09" type="recording">' in lines[1]  # its start
    # The grounding check still reads every item's facts.
    assert "2024-01-09" in book.items[1].checkable_text


@pytest.fixture
def archive(test_settings) -> Iterator[Archive]:
    with archive_rewriting(test_settings, "auto") as opened:
        yield opened


def _answer(text: str) -> str:
    return json.dumps({"answerable": True, "answer": text})


@pytest.mark.parametrize(
    "question",
    [
        "What did the minister say about the election date?",
        "To which date will the election be held?",
        "When was the election date set?",
    ],
)
def test_a_date_or_place_in_the_question_does_not_ask_the_planner(
    archive: Archive, question: str
) -> None:
    llm = ScriptedLLM([_answer("The election will be held on the ninth of June [1].")])
    archive.models._built["llm"] = llm
    answer = ChatSession(archive, FixedEngine([ELECTION])).ask(question)
    assert [call["json_schema"] for call in llm.calls] == [ANSWER_SCHEMA]
    assert not answer.abstained and not any(name.startswith("plan_") for name in answer.timings)


@pytest.mark.parametrize(
    "question",
    ["When was this recording made?", "Who filmed the interview?", "What is its copyright?"],
)
def test_a_question_about_the_files_record_still_asks_the_planner(
    archive: Archive, question: str
) -> None:
    def reply(messages, schema) -> str:
        fields = (schema or {}).get("properties", {})
        if "tool" in fields:
            return json.dumps({"tool": "answer", "evidence": 0, "query": ""})
        if "queries" in fields:
            return json.dumps({"queries": ["interview recorded", "minister interview"]})
        return _answer("The election will be held on the ninth of June [1].")

    llm = ScriptedLLM([reply])
    archive.models._built["llm"] = llm
    ChatSession(archive, FixedEngine([ELECTION])).ask(question)
    schemas = [call["json_schema"] or {} for call in llm.calls]
    assert sum("tool" in schema.get("properties", {}) for schema in schemas) == 1
    assert schemas[-1] == ANSWER_SCHEMA


class _ByQuery:
    """An engine whose hits depend on the words searched: the question with the minister's
    name finds his interview's greeting, its topic alone finds the line that answers."""

    def __init__(self) -> None:
        self.queries: list[str] = []
        self.greeting = ELECTION.model_copy(
            update={
                "start_s": 0.0,
                "end_s": 5.0,
                "snippet": "Minister Okafor, welcome.",
                "score": 0.95,
            }
        )

    def run(self, query: SearchQuery) -> SearchOutcome:
        self.queries.append(query.text)
        return SearchOutcome(clips=[ELECTION] if query.text == "election" else [self.greeting])


def test_a_question_whose_names_found_the_wrong_clip_is_searched_by_its_topic(
    archive: Archive,
) -> None:
    assert topic_query("What did Minister Okafor say about the election date?") == "election"
    assert topic_query("When will the election be held?") == "election"
    assert topic_query("Who won the chess championship?") == ""  # all topic: no new search
    llm = ScriptedLLM([_answer("The election will be held on the ninth of June [2].")])
    archive.models._built["llm"] = llm
    engine = _ByQuery()
    answer = ChatSession(archive, engine).ask(
        "What did Minister Okafor say about the election date?"
    )
    assert [call["json_schema"] for call in llm.calls] == [ANSWER_SCHEMA]  # no rewrite
    assert "election" in engine.queries and "rewrite_s" not in answer.timings
    assert [c.clip.snippet for c in answer.citations] == [ELECTION.snippet]


def _brief_item(question: str, speaker: str = "", people: str = "") -> str:
    hit = _hit(9, "Temperatures will fall to minus 7 degrees tonight.").model_copy(
        update={
            "speaker": speaker or None,
            "metadata": {**FACTS, **({"people": people} if people else {})},
        }
    )
    return _book(question, hit).render(5)


def test_a_records_date_and_place_are_shown_only_when_the_question_needs_them() -> None:
    plain = _brief_item("How cold will it get tonight?")
    assert plain == (
        '<evidence n="1" src="radio/brief.mp3 00:09" type="recording" title="Morning brief">'
        "Temperatures will fall to minus 7 degrees tonight.</evidence>"
    )
    for asked in (
        "When was the cold night announced?",
        "According to the morning brief of 9 January 2024, how cold will it get?",
        "What did the brief of 2024 say about Friday?",
        "Quand fera-t-il froid ?",
    ):
        shown = _brief_item(asked)
        assert 'date="2024-01-09"' in shown and 'place="Lyon"' not in shown, asked
    for asked in ("Where was the brief recorded?", "How cold will it get in Lyon tonight?"):
        assert 'place="Lyon"' in _brief_item(asked), asked
    assert 'date="2024-01-09" place="Lyon"' in _brief_item("Where and when was this filmed?")


def test_people_the_speaker_label_names_are_not_repeated() -> None:
    shown = _brief_item("What did she say?", "Voice 1 (Elena Varga)", "Elena Varga, Jonas Berg")
    assert 'speaker="Voice 1 (Elena Varga)" title="Morning brief" people="Jonas Berg">' in shown
    alone = _brief_item("What did she say?", "Voice 1 (Elena Varga)", "Elena Varga")
    assert "people=" not in alone and 'speaker="Voice 1 (Elena Varga)"' in alone
    # Without a speaker label every curated name is shown.
    everyone = _brief_item("Who spoke?", "", "Elena Varga, Jonas Berg")
    assert 'people="Elena Varga, Jonas Berg"' in everyone


def test_facts_left_out_of_the_prompt_still_back_a_claim() -> None:
    book = _book("How cold will it get tonight?", _hit(9, "It will fall to minus 7 degrees."))
    assert "2024-01-09" not in book.render(5) and "Lyon" not in book.render(5)
    item = book.items[0]
    assert "2024-01-09" in item.checkable_text and "Lyon" in item.checkable_text
