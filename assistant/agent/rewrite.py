"""Query rewriting for paraphrases: "Will power bills stay the same?" shares no word with
"electricity tariffs will be frozen", and its word "stay" pulls in "stay with us". When the
first search's best hits do not hold the question's topic (support.topic_words: not names,
roles or framing such as "next year"), the model writes two other search queries
(constrained JSON) and each is searched too; the support check then reads them as well.

A question in another language than English ("Combien de nouveaux enseignants seront
embauchés ?") is always reworded, into English: the support check's topic words, framing
and question kinds are English, so the French question alone shares no topic word with
what it cites, and its English rewordings are what the checks (and the fallback quote,
quote_answer.py) read beside it. py3langid decides the language, only when sure: short
English questions with names in them ("What did Minister Okafor say about fuel taxes?")
score as Nigerian Pidgin at 0.55.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from assistant.agent.claims import fold
from assistant.agent.grounding import content_words
from assistant.agent.jsonstream import parse_reply
from assistant.agent.prompting import render
from assistant.agent.skeleton import QUERIES_GRAMMAR, QUERIES_OPENING, ContinuesReplies
from assistant.agent.support import MIN_COVERAGE, coverage, topic_words
from assistant.enrich.language import MIN_CHARS, TextLanguage
from assistant.languages import label
from assistant.models.base import ChatLLM, ChatRequest, Continuation
from assistant.schemas import Clip

MAX_QUERY_CHARS = 60
# How sure py3langid must be that a question is not English before it is reworded.
MIN_FOREIGN_CONFIDENCE = 0.8
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Every generated token costs ~75 ms on 2 idle cores, before the answer can start: two
# short queries (~25 tokens with the JSON), each bounded by the grammar itself, so a
# small model cannot ramble into a 290 s rewrite on a loaded machine.
REWRITE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "queries": {
            "type": "array",
            "items": {"type": "string", "minLength": 3, "maxLength": MAX_QUERY_CHARS},
            "minItems": 2,
            "maxItems": 2,
        }
    },
    "required": ["queries"],
}
REWRITE_TOKENS = 40
TOP_HITS = 3


def topic_query(question: str) -> str:
    """The question's topic words in its own order ("What did Minister Okafor say about
    the election date?" -> "election"), or "" when that is all its content anyway. The
    names in a question pull in the clip that names them (the interview's greeting, 0.95)
    over the line that answers; searching the topic alone finds that line without asking
    the model (~2 s for a rewrite, ~10 s per planning call on 2 cores)."""
    topic = topic_words(question, set())
    kept: list[str] = []
    seen: set[str] = set()
    for word in _WORD.findall(question):
        folded = fold(word)
        if folded in topic and folded not in seen:
            seen.add(folded)
            kept.append(word)
    if not kept or len(kept) == len(content_words(question)):
        return ""
    return " ".join(kept)


def needs_rewrite(question: str, clips: list[Clip]) -> bool:
    """True when the question has a topic and no top hit holds most of it."""
    topic = topic_words(question, set())
    if not topic:
        return False
    return not any(coverage(topic, clip.snippet) >= MIN_COVERAGE for clip in clips[:TOP_HITS])


@lru_cache(maxsize=8)
def _detector(languages: tuple[str, ...]) -> TextLanguage:
    """One detector per set of languages, its model read once per process (py3langid's
    model is a few MB; a turn must not read it again)."""
    return TextLanguage(languages)


def foreign_language(question: str, languages: Sequence[str] = ()) -> str | None:
    """The question's language when py3langid is sure it is not English (among the
    archive's `languages` and English, when those are set), else None."""
    if sum(ch.isalpha() for ch in question) < MIN_CHARS:
        return None
    allowed = tuple(sorted({*languages, "en"})) if languages else ()
    code, confidence = _detector(allowed).load().classify(question)
    if code == "en" or confidence < MIN_FOREIGN_CONFIDENCE:
        return None
    return str(code)


def rewrite_queries(
    llm: ChatLLM, question: str, max_tokens: int = REWRITE_TOKENS, language: str | None = None
) -> list[str]:
    """Two new search queries (different words, same meaning), or [] on failure; in
    English when the question is in another `language`."""
    # The answer's system prompt, unchanged: llama.cpp then reuses its evaluated prefix for
    # the answer call that follows (a different system prompt would be read again).
    english = f"\nThe question is in {label(language)}: write both queries in English."
    english = english if language else ""
    messages = [
        {"role": "system", "content": render("agent_system.j2")},
        {
            "role": "user",
            "content": f"{render('agent_rewrite.j2')}{english}\n\nQuestion: {question}",
        },
    ]
    if isinstance(llm, ContinuesReplies):  # '{"queries": ["' read, not generated
        raw = QUERIES_OPENING + "".join(
            llm.stream_after(
                ChatRequest(messages, max_tokens),
                # keep: the next turn's rewrite starts with the same instructions
                Continuation(QUERIES_OPENING, QUERIES_GRAMMAR, keep=True),
            )
        )
    else:
        raw = llm.complete(ChatRequest(messages, max_tokens, json_schema=REWRITE_SCHEMA))
    reply = parse_reply(raw) or parse_reply(raw + '"]}') or {}
    queries = reply.get("queries") if isinstance(reply, dict) else None
    if not isinstance(queries, list):
        return []
    seen = {" ".join(question.lower().split())}
    kept = []
    for query in queries:
        text = " ".join(str(query).split())[:MAX_QUERY_CHARS]
        if text and text.lower() not in seen:
            seen.add(text.lower())
            kept.append(text)
    return kept[:2]
