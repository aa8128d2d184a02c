"""The answer prompt's evidence as one fence of numbered lines (issue 17: prompt tokens).

On 2 cores every prompt token the model reads before its first word costs ~20 ms, and
the per-turn part of the prompt is what it reads after the cached system prompt. A fence
per item cost ~22 tokens of tags, a time span ~11 (`00:07–00:12`: Qwen reads digits one
by one) and the file's facts as attributes ~25, besides the quote itself; so the turn's
items share one fence with this turn's random code, each on one line:

    <evidence-3fa2c1>
    [1] recording video/briefing.mp4 0:07, speaker Voice 1; title Council briefing: Tariffs ...
    [2] document docs/summary.txt: The council agreed ...
    </evidence-3fa2c1>

Archive text cannot break out of it: `<`/`>` are made look-alikes and whitespace,
newlines included, is collapsed (`evidence.clean_text`), so no item can end its line or
the fence. What says whose words they are stays on every line (recording or document,
file, speaker); a file's title and people are given on its first line, its date and
place only when the question asks about them (when / where, or names them).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.vocabulary.timefmt import clock
from assistant.vocabulary.words import fold, words

if TYPE_CHECKING:
    from assistant.agent.evidence import EvidenceItem

# Characters of an item's text the model reads (a 1.5B model on 2 cores pays ~20 ms per
# prompt token: six long transcripts would cost more than the whole answer).
EVIDENCE_CHARS = 280
ATTRIBUTE_CHARS = 120
# Questions for which a record's date or place can be the answer or tell records apart.
_ASKS_DATE = re.compile(
    r"\b(?:when|date|dated|day|days|week|month|year|today|yesterday|tonight|recent|latest|"
    r"earliest|broadcast|aired|recorded|filmed|taken|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|january|february|march|april|may|june|july|august|september|"
    r"october|november|december)\b|\d",
    re.IGNORECASE,
)
_ASKS_PLACE = re.compile(
    r"\b(?:where|place|located|location|filmed|recorded|taken|which (?:city|town|country))\b",
    re.IGNORECASE,
)


def fence_block(fence: str, lines: list[str]) -> str:
    return "\n".join([f"<{fence}>", *lines, f"</{fence}>"])


def item_line(item: EvidenceItem, facts: dict[str, str]) -> str:
    """'[n] kind file time, speaker S; facts: text' (facts already chosen for the turn)."""
    from assistant.agent.evidence import clean_text

    body = clean_text(item.text)
    if len(body) > EVIDENCE_CHARS:
        body = body[: EVIDENCE_CHARS - 1] + "…"
    head = f"[{item.n}] {item.origin} {_attribute(item.clip.file)}{_where(item)}"
    if item.speaker:
        head += f", speaker {_attribute(item.speaker)}"
    if facts:
        head += "; " + ", ".join(f"{name} {_attribute(value)}" for name, value in facts.items())
    return f"{head}: {body}"


def facts_for_question(facts: dict[str, str], question: str) -> dict[str, str]:
    """A record's facts worth reading for this question: its title and people always (who
    speaks, which programme), its date and place when the question asks or names them."""
    named = {fold(word.lower()) for word in words(question)}
    kept = {}
    for name, value in facts.items():
        if name == "date" and not _ASKS_DATE.search(question):
            continue
        if name == "place" and not (
            _ASKS_PLACE.search(question) or {fold(w.lower()) for w in words(value)} & named
        ):
            continue
        kept[name] = value
    return kept


def _where(item: EvidenceItem) -> str:
    """The clip's start ('0:07', '1:02:03') or page: its end adds ~5 tokens and nothing
    the model needs (the citation carries the clip)."""
    clip = item.clip
    if clip.start_s is not None:
        return " " + clock(clip.start_s).removeprefix("0")
    return f" p.{clip.page}" if clip.page else ""


def _attribute(value: str) -> str:
    from assistant.agent.evidence import clean_text

    # A ':' or ';' inside a value would read as the end of the line's head.
    return re.sub(r"[:;]", ",", clean_text(value))[:ATTRIBUTE_CHARS]


# A small model sometimes goes on after its answer by copying an item's line ("[2]
# recording video/a.mp4 0:11, speaker Voice 1: ..."): ~30 tokens of noise to decode.
KINDS = (
    "recording",
    "document",
    "photo",
    "catalogue record",
    "picture description",
    "on-screen text",
)
_ECHOED_HEADING = re.compile(rf"\s*\[(?:n|\d+)\]\s+(?:{'|'.join(KINDS)})\s+\S+\.\w{{2,4}}\b")
_OPENING = re.compile(r"\[(?:n|\d*)(\])?(\s*)(.*)$", re.S)


def echoed_heading(text: str) -> int | None:
    """Where an answer starts copying an evidence line's heading, if it does."""
    match = _ECHOED_HEADING.search(text)
    return match.start() if match else None


def _undecided_from(text: str) -> int:
    """How much of a streamed answer can be shown: all of it, unless its last '[' may
    still open a copied heading ('[2', '[2]', '[2] docu', '[2] document docs/me')."""
    start = text.rfind("[")
    match = _OPENING.match(text, start) if start >= 0 else None
    if match is None:
        return len(text)
    closed, space, rest = match.groups()
    if not closed or (not space and not rest):
        return len(text[:start].rstrip())
    if not space:
        return len(text)  # "[1]." is a citation
    for kind in KINDS:
        if kind.startswith(rest) or (
            rest.startswith(kind + " ") and not rest[len(kind) + 1 :].count(" ")
        ):
            return len(text[:start].rstrip())
    return len(text)


class EchoGuard:
    """Streams an answer's text, holding back what may be the start of a copied evidence
    heading until it is told apart, and ending the answer where such a copy starts."""

    def __init__(self) -> None:
        self.text = ""
        self.shown = 0
        self.ended = False

    def feed(self, piece: str) -> str:
        """The part of the answer that can be shown now (empty when held back)."""
        if self.ended:
            return ""
        self.text += piece
        echo = echoed_heading(self.text)
        if echo is not None:
            self.ended = True
            self.text = self.text[:echo]
            return self._show(len(self.text))
        return self._show(_undecided_from(self.text))

    def flush(self) -> str:
        """What was held back, once the answer is complete."""
        return self._show(len(self.text))

    def _show(self, upto: int) -> str:
        piece = self.text[self.shown : max(self.shown, upto)]
        self.shown = max(self.shown, upto)
        return piece
