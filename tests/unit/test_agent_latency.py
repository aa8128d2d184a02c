"""What each turn asks of the model, since on 2 cores every LLM call, prompt token and
generated token shows in the latency (issue 17): a confident search answers in one call,
every call starts with the same system prompt (llama.cpp then reuses its evaluated prefix),
and an answer the model declines is not generated at all."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from assistant.agent.fakes import FixedEngine, ScriptedLLM
from assistant.agent.prompting import render
from assistant.agent.rewrite import REWRITE_SCHEMA
from assistant.agent.session import ABSTAIN_TEXT, ANSWER_SCHEMA, ChatSession
from assistant.archive import Archive
from assistant.models.base import Message
from assistant.schemas import Clip
from tests.helpers.clips import ELECTION
from tests.helpers.rewriting import archive_rewriting

LIBRARY = ELECTION.model_copy(
    update={
        "asset_id": "f" * 16,
        "file": "radio/library.mp3",
        "snippet": "Stay with us: the library will stay open late on Fridays.",
    }
)


def _answer(text: str, answerable: bool = True) -> str:
    return json.dumps({"answerable": answerable, "answer": text})


@pytest.fixture
def archive(test_settings) -> Iterator[Archive]:
    with archive_rewriting(test_settings, "auto") as opened:
        yield opened


def _session(archive: Archive, llm: ScriptedLLM, clips: list[Clip]) -> ChatSession:
    archive.models._built["llm"] = llm
    return ChatSession(archive, FixedEngine(clips))


def test_a_confident_search_answers_in_one_call_without_a_rewrite(archive: Archive) -> None:
    llm = ScriptedLLM([_answer("The election will be held on the ninth of June [1].")])
    answer = _session(archive, llm, [ELECTION]).ask("What did the minister say about the election?")
    assert not answer.abstained and answer.citations
    assert [call["json_schema"] for call in llm.calls] == [ANSWER_SCHEMA]
    assert "rewrite_s" not in answer.timings


def test_every_call_of_every_turn_starts_with_the_same_system_prompt(archive: Archive) -> None:
    llm = ScriptedLLM(
        [
            json.dumps({"queries": ["electricity tariffs frozen", "energy prices"]}),
            _answer("The archive does not contain it.", answerable=False),
            _answer("The election will be held on the ninth of June [1]."),
        ]
    )
    first = _session(archive, llm, [LIBRARY]).ask("Will power bills stay the same?")
    second = _session(archive, llm, [ELECTION]).ask("When will the election be held?")
    assert first.abstained and not second.abstained
    schemas = [call["json_schema"] for call in llm.calls]
    assert schemas == [REWRITE_SCHEMA, ANSWER_SCHEMA, ANSWER_SCHEMA]
    systems = [_system(call["messages"]) for call in llm.calls]
    assert systems == [render("agent_system.j2")] * 3
    # Per-turn content (the evidence, the question) goes after the shared prefix.
    asked = ("Will power bills", "When will the election")
    for call, question in zip(llm.calls[1:], asked, strict=True):
        user = call["messages"][-1]["content"]
        assert '<evidence n="1" ' in user and question in user
        assert '<evidence n="1" ' not in systems[0] and question not in systems[0]


def test_a_declined_answer_is_not_generated(archive: Archive) -> None:
    made: list[str] = []

    class Declining(ScriptedLLM):
        def stream(self, request):
            yield from ['{"answer', 'able": ', "false", ', "answer": "']
            for word in ("The", " archive", " does", " not", " say", '."}'):
                made.append(word)
                yield word

    session = _session(archive, Declining([""]), [ELECTION])
    events = list(session.ask_stream("When will the election be held?"))
    answer = events[-1].answer
    assert answer is not None and answer.abstained and answer.text.startswith(ABSTAIN_TEXT)
    assert answer.nearest == [ELECTION] and not answer.citations
    assert made == [] and not [event for event in events if event.type == "token"]


def _system(messages: list[Message]) -> str:
    assert messages[0]["role"] == "system"
    return str(messages[0]["content"])
