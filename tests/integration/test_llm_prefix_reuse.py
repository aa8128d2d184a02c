"""What llama.cpp reads per call, with a real GGUF (the test profile's SmolLM2, fast): a
rewrite's fixed instructions kept from the previous turn are restored, not read again, and
give the same reply; the skeleton answer (agent/skeleton.py) is the same JSON the schema
path makes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.agent.jsonstream import parse_reply
from assistant.agent.session import ANSWER_SCHEMA
from assistant.agent.skeleton import QUERIES_GRAMMAR, QUERIES_OPENING, stream_answer_json
from assistant.archive import Archive
from assistant.config import load_settings
from assistant.models.base import ChatRequest, Continuation, MeasuredLLM

pytestmark = pytest.mark.slow

SYSTEM = "You are Archive Assistant. Answer from the evidence only, and cite it as [n]."
TASK = (
    "Task: do not answer yet. Turn the journalist's question below into search queries "
    "for this news archive (transcripts of broadcasts, documents). Write 2 short queries "
    "(at most 6 words each) that mean the same as the question but use the other words a "
    "news report would use: synonyms, the official term, the likely quote. Keep names and "
    'places as they are. No question marks. Reply with JSON: "queries" (a list of 2 strings).'
)


@pytest.fixture(scope="module")
def chat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    data: Path = tmp_path_factory.mktemp("reuse") / "data"
    archive = Archive.open(load_settings("test", data_dir=data))
    if not archive.models.available("llm"):
        pytest.skip("the test profile's GGUF is not installed")
    llm: Any = archive.models.llm()
    llm.load()
    yield llm
    archive.close()


def _messages(user: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def _evaluated(chat: Any) -> int:
    return int(chat.counters()["evaluated_prompt_tokens"])


def _rewrite(chat: Any, question: str) -> str:
    return "".join(
        chat.stream_after(
            ChatRequest(_messages(f"{TASK}\n\nQuestion: {question}"), max_tokens=24),
            Continuation(QUERIES_OPENING, QUERIES_GRAMMAR, keep=True),
        )
    )


def test_a_kept_rewrite_prefix_is_restored_not_read_again(chat: Any) -> None:
    task_tokens = len(chat._llama.tokenize(TASK.encode(), add_bos=False))
    _rewrite(chat, "Will power bills stay the same?")
    # The answer call in between replaces the rewrite in llama.cpp's one sequence.
    "".join(
        chat.stream(
            ChatRequest(
                _messages("Evidence: the library will stay open.\n\nQuestion: Is it open?"),
                max_tokens=4,
                json_schema=ANSWER_SCHEMA,
            )
        )
    )
    before = _evaluated(chat)
    reused = _rewrite(chat, "Did the cost of grain go up?")
    evaluated = _evaluated(chat) - before
    assert evaluated < task_tokens // 2, (evaluated, task_tokens)
    # The same reply as reading the whole prompt afresh.
    chat._snapshots.clear()
    chat._llama.reset()
    assert _rewrite(chat, "Did the cost of grain go up?") == reused


def test_the_skeleton_answer_is_json_of_the_answer_schema(chat: Any) -> None:
    messages = _messages(
        'Evidence: <e n="1">The strike is supposed to last until Thursday.</e>\n\n'
        'Question: How long will the strike last? Reply with JSON: "answerable", "answer".'
    )
    raw = "".join(stream_answer_json(chat, messages, max_tokens=60, temperature=0.0))
    assert raw.startswith('{"answerable": ')
    reply = parse_reply(raw) or parse_reply(raw + '"}') or parse_reply(raw + "}")
    assert reply is not None and isinstance(reply["answerable"], bool)
    if reply["answerable"]:
        assert isinstance(reply["answer"], str)


def test_a_rewrite_through_the_skeleton_gives_two_bounded_queries(chat: Any) -> None:
    from assistant.agent.rewrite import MAX_QUERY_CHARS, rewrite_queries

    chat._snapshots.clear()
    queries = rewrite_queries(chat, "Will power bills stay the same next year?")
    assert 1 <= len(queries) <= 2
    assert all(3 <= len(query) <= MAX_QUERY_CHARS for query in queries)
    assert len(chat._snapshots) == 1  # kept for the next turn's rewrite


def test_the_model_measures_its_own_calls(chat: Any) -> None:
    """What bench/ask.py reads through `MeasuredLLM`: the tokenizer's count, the
    counters that grow with a call, and the speed right now."""
    assert isinstance(chat, MeasuredLLM)
    assert 3 <= chat.count_tokens("The harbour report describes shipping.") <= 12
    before = chat.counters()
    chat.complete(ChatRequest(_messages("Say yes."), max_tokens=4))
    after = chat.counters()
    assert after["evaluated_prompt_tokens"] > before["evaluated_prompt_tokens"]
    assert after["decoded_tokens"] > before["decoded_tokens"]
    speed = chat.throughput("The harbour report. " * 10, "Once upon a time", max_tokens=4)
    assert speed["prompt_tok_per_s"] > 0 and speed["gen_tok_per_s"] > 0
