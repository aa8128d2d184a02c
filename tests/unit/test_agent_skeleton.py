"""The answer's fixed JSON is read as prompt, not generated (agent/skeleton.py): a model
that continues a reply after a prefix decodes one token for the verdict and then only the
answer's words, and the turn comes out as on the one-call path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from assistant.agent.fakes import FixedEngine, ScriptedLLM
from assistant.agent.jsonstream import parse_reply
from assistant.agent.rewrite import rewrite_queries
from assistant.agent.session import ABSTAIN_TEXT, ChatSession
from assistant.agent.skeleton import (
    ANSWER_OPENING,
    ANSWERABLE_OPENING,
    QUERIES_GRAMMAR,
    QUERIES_OPENING,
    STRING_REST_GRAMMAR,
    VERDICT_GRAMMAR,
    ContinuesReplies,
    stream_answer_json,
)
from assistant.archive import Archive
from assistant.models.base import ChatRequest, Continuation
from tests.helpers.clips import ELECTION
from tests.helpers.rewriting import archive_rewriting


class Continuing(ScriptedLLM):
    """Answers `stream_after` calls: the verdict, then the answer string's remainder."""

    def __init__(self, verdict: str, rest: str, queries: str = "") -> None:
        super().__init__([""])
        self.verdict, self.rest, self.queries = verdict, rest, queries
        self.after: list[dict[str, Any]] = []
        self.sampled: list[str] = []

    def stream_after(self, request: ChatRequest, after: Continuation) -> Iterator[str]:
        self.after.append(
            {
                "prefix": after.prefix,
                "grammar": after.grammar,
                "max_tokens": request.max_tokens,
                "keep": after.keep,
            }
        )
        text = {ANSWERABLE_OPENING: self.verdict, QUERIES_OPENING: self.queries}.get(
            after.prefix, self.rest
        )
        for start in range(0, len(text), 3):
            self.sampled.append(text[start : start + 3])
            yield text[start : start + 3]


@pytest.fixture
def archive(test_settings) -> Iterator[Archive]:
    with archive_rewriting(test_settings, "never") as opened:
        yield opened


def test_the_skeleton_yields_the_same_json_the_schema_path_would() -> None:
    llm = Continuing(" true", 'The election is on the ninth of June [1]."}')
    assert isinstance(llm, ContinuesReplies)
    raw = "".join(stream_answer_json(llm, [], max_tokens=50, temperature=0.0))
    assert parse_reply(raw) == {
        "answerable": True,
        "answer": "The election is on the ninth of June [1].",
    }
    assert [call["prefix"] for call in llm.after] == [
        ANSWERABLE_OPENING,
        f"{ANSWERABLE_OPENING} true{ANSWER_OPENING}",
    ]
    assert llm.after[0]["max_tokens"] == 1 and llm.after[0]["grammar"] == VERDICT_GRAMMAR
    assert llm.after[1]["grammar"] == STRING_REST_GRAMMAR


def test_a_session_answers_through_the_skeleton_and_cites(archive: Archive) -> None:
    llm = Continuing(" true", 'The election will be held on the ninth of June [1]."}')
    archive.models._built["llm"] = llm
    answer = ChatSession(archive, FixedEngine([ELECTION])).ask("When will the election be held?")
    assert not answer.abstained
    assert answer.text.startswith("The election will be held on the ninth of June")
    assert answer.citations and answer.citations[0].clip.asset_id == ELECTION.asset_id
    # The structure came from the prefixes: nothing sampled but the verdict and the words.
    assert not any('"answer' in piece for piece in llm.sampled)
    assert llm.calls == []  # the one-call stream() path was not taken


def test_a_false_verdict_costs_one_token_and_abstains(archive: Archive) -> None:
    llm = Continuing(" false", 'should never be read"}')
    archive.models._built["llm"] = llm
    answer = ChatSession(archive, FixedEngine([ELECTION])).ask("Who won the chess final?")
    assert answer.abstained and answer.text.startswith(ABSTAIN_TEXT)
    assert [call["max_tokens"] for call in llm.after] == [1]


def test_the_rewrite_reads_its_opening_and_keeps_the_state_for_the_next_turn() -> None:
    llm = Continuing("", "", queries='electricity tariffs frozen","energy prices"]}')
    queries = rewrite_queries(llm, "Will power bills stay the same?")
    assert queries == ["electricity tariffs frozen", "energy prices"]
    assert llm.after == [
        {"prefix": QUERIES_OPENING, "grammar": QUERIES_GRAMMAR, "max_tokens": 40, "keep": True}
    ]


def test_the_grammars_compile_for_llama_cpp() -> None:
    grammar = pytest.importorskip("llama_cpp").LlamaGrammar
    for text in (VERDICT_GRAMMAR, STRING_REST_GRAMMAR, QUERIES_GRAMMAR):
        assert grammar.from_string(text, verbose=False) is not None
