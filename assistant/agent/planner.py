"""Which tool runs next.

The first step is chosen by rules, without the model, because it is obvious and the model
is slow: an upload is searched by its own modality's tool (an image by image), a follow-up
("what did she say after that?") reads on from the last cited clip, anything else is a
search with the question. Later steps are chosen by the model through JSON constrained
to the tool names (a 1.5B model does not call tools reliably in free form).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from assistant.agent.grounding import content_words
from assistant.agent.turn import TurnContext
from assistant.agent.uploads import asked_fields
from assistant.retrieval.modalities import MODALITIES, by_tool
from assistant.schemas import Answer, Clip
from assistant.vocabulary.timefmt import clock
from assistant.vocabulary.tools import (
    RECORD_TOOLS,
    SEARCH_ARCHIVE,
    VISUAL_QUESTION,
)


@dataclass(frozen=True)
class Step:
    tool: str
    args: dict[str, Any] = field(default_factory=dict)
    # Why this step was chosen: "rule: ..." or "model".
    reason: str = ""
    # A follow-up spelled out for the model ("and after that?" -> what is said next in
    # which file, from when): a small model otherwise repeats the previous answer.
    restated: str = ""

    def key(self) -> str:
        """Identity for "already done this turn": case and spacing do not make a new search."""
        args = {
            name: " ".join(value.lower().split()) if isinstance(value, str) else value
            for name, value in self.args.items()
        }
        return self.tool + json.dumps(args, sort_keys=True, default=str)


_AFTER = re.compile(
    r"\b(after (that|this|it)|afterwards|and then|next|then what|what came next|"
    r"what follows|go on|continue[sd]?)\b",
    re.IGNORECASE,
)
_BEFORE = re.compile(
    r"\b(before (that|this|it)|just before|earlier on|prior to that)\b", re.IGNORECASE
)
_SAME_ASSET = re.compile(
    r"\b(more|else|rest)\b.*\b(from|in|of) (that|this|the same|her|his|their|it)\b|"
    r"\b(that|this|same) (speech|video|clip|recording|interview|document|file|audio|"
    r"talk|photo|picture|broadcast|report|article|podcast|programme|program|segment)\b",
    re.IGNORECASE,
)
_REFERENCE_WORDS = frozenset(
    str.split(
        "show tell give more else rest from that this same speech video clip recording "
        "interview document file audio talk photo picture broadcast report article podcast "
        "programme program segment after before next then continue what"
    )
)
# Cues that another tool than search may help, so the model is asked to plan.
_VISUAL_CUES = re.compile(
    r"\b(colou?rs?|wear(s|ing)?|holding|visible|look(s)? like|background|"
    r"(in|on) (the|this|that) (picture|photo|image|frame|shot|screen)|"
    r"what (is|are) (shown|pictured))\b",
    re.IGNORECASE,
)
# Questions about the record of a file, not about what it says: "when was this photo
# taken?", not "what did the minister say about the election date?" nor "to which date
# does the festival move?" (each planning call costs ~10 s on 2 cores; those two asked it
# twice for nothing, issue 17).
_MADE = (
    r"(taken|shot|filmed|made|recorded|photographed|written|published|broadcast|aired|"
    r"created|produced|uploaded|captured|scanned)"
)
_ITEM = r"(photo|picture|image|video|clip|recording|file|document|footage|item|interview)"
_METADATA_CUES = re.compile(
    rf"\b(who (took|shot|filmed|made|recorded|wrote)|(when|where) (was|were)\b.{{0,50}}\b"
    rf"{_MADE}|dated|date of (the|this|that) {_ITEM}|source|rights|copyright|credit|author|"
    r"photographer|metadata|caption|tags?|propos\w*|missing)\b",
    re.IGNORECASE,
)


def anchor_clip(previous: list[Answer]) -> Clip | None:
    """The clip a follow-up refers to: of the last answer's citations, the one whose
    words the answer shares most (the last on a tie), else the nearest shown. An answer
    also cites the interview's opening for the minister's name; "before that" then
    means before the promise it quoted, not before the opening."""
    for answer in reversed(previous):
        if answer.citations:
            said = content_words(answer.text)
            return max(
                reversed([citation.clip for citation in answer.citations]),
                key=lambda clip: len(said & content_words(clip.snippet)),
            )
        if answer.nearest:
            return answer.nearest[0]
    return None


def first_step(question: str, ctx: TurnContext, previous: list[Answer]) -> Step:
    for modality in MODALITIES:  # an upload is searched first, in registry order
        if modality.name in ctx.uploads:
            return Step(
                modality.tool,
                {"query": _upload_words(question)},
                f"rule: {modality.name} was uploaded",
                modality.first_question,
            )
    anchor = anchor_clip(previous)
    if anchor is not None:
        follow = _follow_up(question, anchor, previous)
        if follow is not None:
            return follow
    return Step(SEARCH_ARCHIVE, {"query": question}, "rule: search with the question")


def _upload_words(question: str) -> str:
    """The words searched with an upload: none for a question about the upload's origin
    ("who appears in this video?", "where was this filmed?"), answered from the record of
    the upload's match (uploads.py). Its words name the fields asked and the upload
    itself, not what to look for; fused with the picture, "Who is in this interview?"
    ranked the radio "Harbour interview" (title word, 1.00) over the interview the frame
    was grabbed from, and "Who appears in this video?" an OCR "?" (meaning 0.86) over the
    briefing's own frames (pHash 0.67)."""
    return "" if asked_fields(question) else question


def _follow_up(question: str, anchor: Clip, previous: list[Answer]) -> Step | None:
    if anchor.start_s is not None and anchor.end_s is not None:
        # (the words asking for it, the search bound, the clip's edge, the question restated)
        for words, bound, edge, restated in (
            (_AFTER, "after", anchor.end_s, "What is said next in {file}, after {at}?"),
            (_BEFORE, "before", anchor.start_s, "What is said in {file} just before {at}?"),
        ):
            if words.search(question):
                return Step(
                    SEARCH_ARCHIVE,
                    {"query": "", "asset_id": anchor.asset_id, f"{bound}_s": edge},
                    f"rule: follow-up, {bound} {anchor.file} {edge:.1f}s",
                    restated.format(file=anchor.file, at=clock(edge)),
                )
    if _SAME_ASSET.search(question):
        topic = content_words(question) - _REFERENCE_WORDS
        query = question if len(topic) >= 2 else previous[-1].question
        return Step(
            SEARCH_ARCHIVE,
            {"query": query, "asset_id": anchor.asset_id},
            f"rule: follow-up inside {anchor.file}",
            f"What else is said in {anchor.file} about this?",
        )
    return None


def wants_planning(question: str, ctx: TurnContext, mode: str) -> bool:
    """Ask the model for another step? Always/never by setting; in auto mode only when
    nothing was found or the question hints that a tool other than search may help, since
    each planning call costs seconds on 2 cores."""
    if mode == "never":
        return False
    if mode == "always" or not ctx.evidence.items:
        return True
    if ctx.restated:  # an upload or a follow-up a rule resolved: the evidence is in place
        return False
    return bool(_VISUAL_CUES.search(question) or _METADATA_CUES.search(question))


def plan_schema(tool_names: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "tool": {"type": "string", "enum": [*tool_names, "answer"]},
            "evidence": {"type": "integer"},
            "query": {"type": "string"},
        },
        "required": ["tool", "evidence", "query"],
    }


def step_from_plan(reply: dict[str, Any], question: str, ctx: TurnContext) -> Step | None:
    """Turn the model's {"tool", "evidence", "query"} into a runnable step, or None to answer."""
    tool = str(reply.get("tool", "answer"))
    evidence = reply.get("evidence")
    number = evidence if isinstance(evidence, int) and ctx.evidence.get(evidence) else None
    query = str(reply.get("query") or "").strip()
    if tool == SEARCH_ARCHIVE:
        return Step(tool, {"query": query or question}, "model")
    uploaded = by_tool(tool)
    if uploaded is not None and uploaded.name in ctx.uploads:
        return Step(tool, {"query": query}, "model")
    if tool == VISUAL_QUESTION and number is not None:
        return Step(tool, {"evidence": number, "question": query or question}, "model")
    if tool in RECORD_TOOLS and number is not None:
        return Step(tool, {"evidence": number}, "model")
    return None
