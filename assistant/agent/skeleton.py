"""The answer JSON with its fixed parts read as prompt, not generated.

Constrained to {"answerable": ..., "answer": "..."}, the model still spends one decode
step (~75 ms on 2 idle cores) on each of the ~10 structure tokens before the answer's
first word. A model that can continue a reply after a given prefix (`ContinuesReplies`,
the llama.cpp adapter) is instead asked two short things: after '{"answerable":' one
token, true or false; after '{"answerable": true, "answer": "' the string itself, ending
at its closing quote. The prefixes are read in one batch with the prompt (the second call
reuses the first's evaluated tokens), so the first word comes ~0.6 s sooner and a "false"
costs one token. The text it yields is the same JSON the one-call path streams.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from assistant.models.base import ChatRequest, Continuation, Message, TokenStream

ANSWERABLE_OPENING = '{"answerable":'
ANSWER_OPENING = ', "answer": "'
# The model's verdict: one token (" true" and " false" are single tokens in Qwen's vocab).
VERDICT_GRAMMAR = 'root ::= " true" | " false"'
# The rest of a JSON string after its opening quote: any characters or escapes, the
# closing quote, then the object's brace. Generation stops at the quote (the streamer is
# done), so the grammar only has to make that quote reachable.
STRING_REST_GRAMMAR = r"""root ::= char* "\"" "}"
char ::= [^"\\\x00-\x1F] | "\\" (["\\/bfnrt] | "u" hex hex hex hex)
hex ::= [0-9a-fA-F]
"""
# Written as the model writes it unconstrained (no spaces): a forced space changes its
# queries ("recruit more staff" for "recruit more school staff").
QUERIES_OPENING = '{"queries":["'
# The rewrite's two search queries (rewrite.py's REWRITE_SCHEMA: 3 to 60 characters each).
QUERIES_GRAMMAR = r"""root ::= query "\",\"" query "\"]}"
query ::= [^"\\\x00-\x1F]{3,60}
"""


@runtime_checkable
class ContinuesReplies(Protocol):
    def stream_after(self, request: ChatRequest, after: Continuation) -> TokenStream: ...


def stream_answer_json(
    llm: ContinuesReplies, messages: list[Message], *, max_tokens: int, temperature: float
) -> TokenStream:
    """The answer reply's raw JSON text, pieces as they come (close it to stop early)."""
    verdict_call = ChatRequest(messages, max_tokens=1, temperature=temperature)
    verdict = "".join(
        llm.stream_after(verdict_call, Continuation(ANSWERABLE_OPENING, VERDICT_GRAMMAR))
    ).strip()
    # Anything but a clear true (an empty reply included) is a "no": the turn abstains.
    answerable = verdict.startswith("t")
    yield f"{ANSWERABLE_OPENING} {'true' if answerable else 'false'}"
    if not answerable:
        return
    yield ANSWER_OPENING
    yield from llm.stream_after(
        ChatRequest(messages, max_tokens, temperature),
        Continuation(f"{ANSWERABLE_OPENING} true{ANSWER_OPENING}", STRING_REST_GRAMMAR),
    )
