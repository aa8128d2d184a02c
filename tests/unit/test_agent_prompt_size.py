"""What the answer prompt leaves out and when the planner is skipped (issue 17: on 2 cores
each prompt token costs ~15 ms and each planning call ~10 s), without hiding anything
that could answer the question."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from assistant.agent.evidence import EvidenceBook
from assistant.agent.evidence_lines import EchoGuard
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
        "What did the brief of 9 January say about the pool and the weather in Lyon?",
        _hit(0, "The city pool will stay closed for ten weeks."),
        _hit(9, "Temperatures will fall to minus 7 degrees tonight."),
    )
    lines = book.render(5).splitlines()
    assert lines[0] == f"<{book.fence}>" and lines[-1] == f"</{book.fence}>"
    assert len(lines) == 4
    assert "; title Morning brief, date 2024-01-09, place Lyon: The city pool" in lines[1]
    assert lines[2] == (
        "[2] recording radio/brief.mp3 0:09: Temperatures will fall to minus 7 degrees tonight."
    )
    # The grounding check still reads every item's facts.
    assert "2024-01-09" in book.items[1].checkable_text


def test_a_records_date_and_place_are_shown_only_when_the_question_needs_them() -> None:
    pool = _hit(0, "The city pool will stay closed for ten weeks.")
    line = _book("How long will the city pool stay closed?", pool).render(5).splitlines()[1]
    assert line == (
        "[1] recording radio/brief.mp3 0:00; title Morning brief: "
        "The city pool will stay closed for ten weeks."
    )
    for question in ("When will the pool reopen?", "Where is the pool closed?"):
        shown = _book(question, pool).render(5)
        assert ("date 2024-01-09" in shown) is question.startswith("When")
        assert ("place Lyon" in shown) is question.startswith("Where")
    # Whatever is shown, a claim may rest on all of the record's facts.
    assert "Lyon" in _book("How long?", pool).items[0].checkable_text


def test_the_evidence_costs_few_tokens_per_item() -> None:
    """Per item the model reads its text plus ~20 words of where it is from (the fence
    once, no per-item tags, the start time only): the old attribute tags were ~55."""
    hits = [_hit(4.0 * n, f"Line number {n} of the brief.", asset=chr(97 + n)) for n in range(5)]
    rendered = _book("What did the brief say?", *hits).render(5)
    overhead = rendered
    for hit in hits:
        overhead = overhead.replace(hit.snippet, "")
    assert len(overhead) / len(hits) < 90  # characters (~4 per token) besides the text
    assert "–" not in rendered and 'n="' not in rendered


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


@pytest.mark.parametrize(
    ("pieces", "shown", "kept"),
    [
        # A citation followed by more words is shown as it comes.
        (["Prices rise [1", "]. Then", " more [2]."], "Prices rise [1]. Then more [2].", None),
        # "[1] The" is a citation then a sentence, not a heading.
        (["Rise [1]", " The end."], "Rise [1] The end.", None),
        # A copied heading ends the answer; none of it is shown.
        (
            ["Rise [1]. [", "2] docu", "ment docs/memo.txt: The car"],
            "Rise [1].",
            "Rise [1].",
        ),
        (["Rise [1]. [n] recording radio/a.mp3 0:01: x"], "Rise [1].", "Rise [1]."),
    ],
)
def test_an_answer_copying_an_evidence_heading_is_held_back_and_ended(
    pieces: list[str], shown: str, kept: str | None
) -> None:
    guard = EchoGuard()
    streamed = "".join(guard.feed(piece) for piece in pieces)
    if kept is None:
        assert not guard.ended
        streamed += guard.flush()
    else:
        assert guard.ended and guard.text == kept
    assert streamed == shown
