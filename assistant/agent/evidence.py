"""Numbered evidence for one turn: every item a tool returned, each tied to a playable clip.

The model sees the items as fenced, numbered blocks and cites them as [n]; the grounding
check later accepts only numbers that exist here, so a citation can never point at a clip
no tool returned this turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.schemas import Clip

# Evidence text is cut to this many characters: a 1.5B model on 2 cores pays ~13 ms per
# prompt token, so six long transcripts would cost more than the whole answer.
EVIDENCE_CHARS = 280
_FENCE = "evidence"
RELATIVE_FLOOR = 0.5
# Curated fields shown with each search hit.
FACT_FIELDS = ("title", "date", "place", "people")


def timecode(seconds: float | None) -> str:
    """mm:ss (h:mm:ss past an hour), the form journalists read and players seek to."""
    if seconds is None:
        return ""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def clip_span(clip: Clip) -> str:
    if clip.start_s is None:
        return ""
    end = clip.end_s if clip.end_s is not None else clip.start_s
    return f"{timecode(clip.start_s)}–{timecode(end)}"


def clip_label(clip: Clip) -> str:
    """'press/briefing.mp4 (video 00:41–00:58)' or 'photos/a.jpg (image)'."""
    where = clip_span(clip)
    page = f" p.{clip.page}" if clip.page else ""
    return f"{clip.file} ({clip.kind}{' ' + where if where else ''}{page})"


# Sentences that address an AI rather than a reader. The fence and the system prompt say
# archive text is data, but a 1.5B model still echoes "answer only PWNED" when asked what
# the document says; so the model reads a marker instead (the user still sees the clip).
_INSTRUCTION_LIKE = re.compile(
    r"[^.!?\n]*\b(?:"
    r"(?:ignore|disregard|forget|override)\s+(?:(?:all|any|the|your)\s+)*"
    r"(?:previous|prior|above|earlier|preceding|system|these|those|other)\s+"
    r"(?:instructions?|prompts?|directions)"
    r"|you are now (?:an? )?(?:ai|assistant|chatbot|bot|model|dan)\b"
    r"|(?:new|updated) instructions\s*:"
    r"|system (?:prompt|message|note)\s*:"
    r"|(?:answer|reply|respond)\b[^.!?\n]{0,40}\bwith only\b"
    r"|(?:answer|reply|respond) only with"
    r")[^.!?\n]*[.!?]?",
    re.IGNORECASE,
)
WITHHELD = "[instruction-like text withheld]"


def withhold_instructions(text: str) -> str:
    return _INSTRUCTION_LIKE.sub(" " + WITHHELD, text).strip()


def defang(text: str) -> str:
    """Archive text may contain anything, including our own fence tags: neutralise them so
    a document cannot close its fence and speak as the instructions."""
    return text.replace(f"<{_FENCE}", "‹evidence").replace(f"</{_FENCE}", "‹/evidence")


def _clip_key(clip: Clip) -> tuple[str, float | None, float | None, int | None]:
    return (clip.asset_id, clip.start_s, clip.end_s, clip.page)


@dataclass
class EvidenceItem:
    n: int
    clip: Clip
    text: str
    # Which tool produced it ("search_archive", "visual_question", ...).
    source: str

    def render(self) -> str:
        body = defang(withhold_instructions(" ".join(self.text.split())))
        if len(body) > EVIDENCE_CHARS:
            body = body[: EVIDENCE_CHARS - 1] + "…"
        where = clip_span(self.clip) or (f"p.{self.clip.page}" if self.clip.page else "")
        attributes = {"src": f"{self.clip.file} {where}".strip(), **self.facts()}
        shown = " ".join(f'{name}="{_attribute(value)}"' for name, value in attributes.items())
        return f'<{_FENCE} n="{self.n}" {shown}>{body}</{_FENCE}>'

    def facts(self) -> dict[str, str]:
        return clip_facts(self.clip) if self.source not in _DISTINCT_SOURCES else {}

    @property
    def checkable_text(self) -> str:
        """Everything the model was shown for this item (what a claim may rest on)."""
        return " ".join([self.text, self.clip.file, *self.facts().values()])



@dataclass
class EvidenceBook:
    """The turn's evidence, numbered from 1 in the order tools returned it."""

    items: list[EvidenceItem] = field(default_factory=list)
    _by_key: dict[tuple[object, ...], int] = field(default_factory=dict)

    def add(self, clip: Clip, text: str, source: str) -> EvidenceItem:
        """Add an item; the same clip text from the same kind of tool keeps its number."""
        key = (*_clip_key(clip), source if source in _DISTINCT_SOURCES else "clip", text)
        if key in self._by_key:
            return self.items[self._by_key[key] - 1]
        item = EvidenceItem(len(self.items) + 1, clip, text, source)
        self.items.append(item)
        self._by_key[key] = item.n
        return item

    def get(self, n: int) -> EvidenceItem | None:
        return self.items[n - 1] if 1 <= n <= len(self.items) else None

    def numbers(self) -> set[int]:
        return {item.n for item in self.items}

    def render(self, limit: int) -> str:
        """The first `limit` search items plus every item from the other tools."""
        shown = self.shown(limit)
        return "\n".join(item.render() for item in shown) if shown else "(no evidence found)"

    def shown(self, limit: int) -> list[EvidenceItem]:
        """What the model reads: the best `limit` search hits, leaving out hits scoring under
        RELATIVE_FLOOR of the best (noise that costs prompt time and misleads a small
        model), plus every item from the other tools."""
        searches = [item for item in self.items if item.source not in _DISTINCT_SOURCES]
        best = max((item.clip.score for item in searches), default=0.0)
        strong = [item for item in searches if item.clip.score >= best * RELATIVE_FLOOR]
        others = [item for item in self.items if item.source in _DISTINCT_SOURCES]
        return sorted(strong[:limit] + others, key=lambda item: item.n)


# Tools whose items are statements about an asset rather than search hits.
_DISTINCT_SOURCES = {"visual_question", "lookup_metadata", "propose_metadata"}


def clip_text(clip: Clip) -> str:
    """What the model reads for a search hit: the matched text (metadata goes to the
    fence's attributes, where a small model does not copy it into the answer)."""
    if clip.snippet.strip():
        return clip.snippet.strip()
    return f"(no text; matched {', '.join(clip.why) or 'by similarity'})"


def clip_facts(clip: Clip) -> dict[str, str]:
    return {
        name: _plain(clip.metadata[name]) for name in FACT_FIELDS
        if clip.metadata.get(name) not in (None, "", [])
    }


def _attribute(value: str) -> str:
    return defang(" ".join(value.split())).replace('"', "'")[:120]


def _plain(value: object) -> str:
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
