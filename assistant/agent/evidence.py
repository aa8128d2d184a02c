"""Numbered evidence for one turn: every item a tool returned, each tied to a playable clip.

The model sees the items as fenced, numbered blocks and cites them as [n]; the grounding
check later accepts only numbers that exist here, so a citation can never point at a clip
no tool returned this turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.agent.asked_facts import facts_asked
from assistant.agent.names import respell_item
from assistant.agent.tag_items import answers_nothing
from assistant.schemas import Clip
from assistant.vocabulary.timefmt import clock, full_span
from assistant.vocabulary.tools import RECORD_TOOLS, VISUAL_QUESTION

# Evidence text is cut to this many characters: a 1.5B model on 2 cores pays ~13 ms per
# prompt token, so six long transcripts would cost more than the whole answer.
EVIDENCE_CHARS = 280
_FENCE = "evidence"
RELATIVE_FLOOR = 0.5
# The floor for further lines of a record with a hit above RELATIVE_FLOOR (`shown`);
# label lines ("Sounds: rustle", "Objects: candle") of such a record score under it.
SAME_RECORD_FLOOR = 0.25
# Curated fields shown with each search hit.
FACT_FIELDS = ("title", "date", "place", "people")


def clip_span(clip: Clip) -> str:
    return full_span(clip.start_s, clip.end_s)


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
    r"(?:instructions?|prompts?|directions|rules)"
    r"|you are now (?:an? )?(?:ai|assistant|chatbot|bot|model|dan)\b"
    r"|(?:new|updated|real|actual) instructions\s*:"
    r"|system (?:prompt|message|note)\s*:"
    r"|(?:answer|reply|respond)\b[^.!?\n]{0,40}\bwith only\b"
    r"|(?:answer|reply|respond) only with"
    r"|(?:note|message|instructions?) (?:to|for) (?:the |all |any )?"
    r"(?:ai|assistants?|models?|llms?|chatbots?|language models?)\b"
    r"|(?:in|to) (?:every|each|all|any|your) (?:answers?|repl(?:y|ies)|responses?)\b"
    r"|(?:always|must) (?:answer|reply|respond|say|state|claim|mention|cite)\b"
    r"|(?:tell|inform|remind) (?:the |any )?(?:user|journalist|reader|reporter)s?\b"
    r"|from now on\b"
    r"|as an (?:ai|assistant|language model)\b"
    r"|(?:do not|don't|never) (?:mention|cite|reveal|say|tell)\b[^.!?\n]{0,40}"
    r"\b(?:user|journalist|reader|sources?|evidence|this)\b"
    r")[^.!?\n]*[.!?]?",
    re.IGNORECASE,
)
# A chat-template turn ("<|im_start|>system", "[INST]", "<<SYS>>", "### Instruction") runs
# to its closing token or the end of the text; a role marker ("SYSTEM:", "Assistant:") to
# the end of its paragraph. Either is a fake turn: the injection, not archive content.
_TEMPLATE_TURN = re.compile(
    r"(?:<\|im_start\|>|<\|(?:system|user|assistant)\|>|\[INST\]|<<SYS>>|"
    r"#{2,}\s*(?:instructions?|system|response|assistant)\b)"
    r"[\s\S]*?(?:<\|im_end\|>|<\|endoftext\|>|\[/INST\]|<</SYS>>|$)",
    re.IGNORECASE,
)
_ROLE_MARKER = re.compile(
    r"(?:^|(?<=[\s>.!?:\]]))(?:system|assistant|developer|user|human|ai)\s*"
    r"(?:note|message|prompt|override)?\s*:[^\n]*(?:\n(?!\s*\n)[^\n]*)*",
    re.IGNORECASE,
)
_TEMPLATE_TOKEN = re.compile(r"<\|[a-z_]+\|>|\[/?INST\]|<</?SYS>>", re.IGNORECASE)
WITHHELD = "[instruction-like text withheld]"


def withhold_instructions(text: str) -> str:
    text = _TEMPLATE_TURN.sub(" " + WITHHELD, text)
    text = _TEMPLATE_TOKEN.sub(" " + WITHHELD, text)
    text = _ROLE_MARKER.sub(" " + WITHHELD, text)
    text = _INSTRUCTION_LIKE.sub(" " + WITHHELD, text)
    text = re.sub(rf"(?:{re.escape(WITHHELD)}\s*){{2,}}", WITHHELD + " ", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def looks_like_instructions(text: str) -> bool:
    return WITHHELD in withhold_instructions(text)


def defang(text: str) -> str:
    """Archive text may contain anything, including fence tags and chat-template tokens:
    angle brackets become look-alikes, so no archive text can open or close a tag."""
    return text.replace("<", "‹").replace(">", "›")


def new_fence(question: str = "") -> str:
    """The fence's tag name: one plain name for every turn. No archive text can open or
    close a tag (`defang` turns every angle bracket into a look-alike), so a code in the
    name ("evidence-3fa2c1", a hash of the question) only cost the answer prompt ~12
    tokens per item (6 each in the opening and the closing tag; issue 17: ~0.1 s each
    on 2 cores). `question` stays so a probe can give each question a tag of its own."""
    return _FENCE


def clean_text(text: str) -> str:
    """Archive text as the model may read it (and as claims are checked against)."""
    return defang(" ".join(withhold_instructions(text).split()))


def _clip_key(clip: Clip) -> tuple[str, float | None, float | None, int | None]:
    return (clip.asset_id, clip.start_s, clip.end_s, clip.page)


@dataclass
class EvidenceItem:
    n: int
    clip: Clip
    text: str
    # Which tool produced it ("search_archive", "visual_question", ...).
    source: str
    # The tag name of this turn's fence (EvidenceBook.fence).
    fence: str = _FENCE
    # The text as the recogniser heard it, when names were respelled from the catalogue.
    raw_text: str = ""
    respelled: list[tuple[str, str]] = field(default_factory=list)
    rank: int = 0

    def render(self, with_facts: bool = True, question: str = "") -> str:
        """The fenced item; `with_facts` False leaves out the record's curated facts (an
        earlier item of the same file already gave them: ~25 prompt tokens each), and a
        question keeps only those it may need (asked_facts.py). Where it is: the start
        only ("00:41", as the player seeks and as quotes give it; the end cost ~6 tokens)."""
        body = clean_text(self.text)
        if len(body) > EVIDENCE_CHARS:
            body = body[: EVIDENCE_CHARS - 1] + "…"
        facts = self.facts() if with_facts else {}
        where = clock(self.clip.start_s) or (f"p.{self.clip.page}" if self.clip.page else "")
        attributes = {
            "src": f"{self.clip.file} {where}".strip(),
            "type": self.origin,
            **({"speaker": self.speaker} if self.speaker else {}),
            **(facts_asked(facts, question, self.speaker) if question else facts),
        }
        shown = " ".join(f'{name}="{_attribute(value)}"' for name, value in attributes.items())
        return f'<{self.fence} n="{self.n}" {shown}>{body}</{self.fence}>'

    @property
    def origin(self) -> str:
        """What kind of source speaks: a document is not a speaker in a recording."""
        if self.source in RECORD_TOOLS:
            return "catalogue record"
        if self.source == VISUAL_QUESTION:
            return "picture description"
        if self.clip.kind == "document":
            return "document"
        if self.clip.kind in ("video", "audio"):
            return "on-screen text" if _on_screen(self.clip) else "recording"
        return "photo"

    @property
    def speaker(self) -> str:
        """Who speaks in the clip: its voice from diarization ("Voice 2 (Name)"), else a
        speaker the catalogue's metadata names."""
        if self.clip.speaker:
            return self.clip.speaker
        value = self.clip.metadata.get("speaker") or self.clip.metadata.get("speakers")
        return _plain(value) if value not in (None, "", []) else ""

    def facts(self) -> dict[str, str]:
        return clip_facts(self.clip) if self.source not in _DISTINCT_SOURCES else {}

    @property
    def checkable_text(self) -> str:
        """What a claim may rest on: the item's text without withheld instructions, where it
        is, and its curated facts (metadata values are data too: instructions withheld)."""
        facts = [withhold_instructions(value) for value in self.facts().values()]
        return " ".join([clean_text(self.text), self.clip.file, self.speaker, *facts])


def quote_sentences(item: EvidenceItem) -> list[str]:
    """The item's own sentences that may be quoted (never withheld instructions)."""
    parts = re.split(r"(?<=[.!?])\s+", clean_text(item.text))
    return [
        p.strip()
        for p in parts
        if len(p.split()) >= 3 and WITHHELD not in p and not p.startswith("(no text")
    ][:12]


def _on_screen(clip: Clip) -> bool:
    return any("ocr" in sid for sid in clip.segment_ids) and not any(
        "speech" in sid for sid in clip.segment_ids
    )


@dataclass
class EvidenceBook:
    """The turn's evidence, numbered from 1 in the order tools returned it."""

    items: list[EvidenceItem] = field(default_factory=list)
    _by_key: dict[tuple[object, ...], int] = field(default_factory=dict)
    fence: str = ""  # the question's (`new_fence`) unless given
    # Curated names elsewhere in the archive (names.archive_names), for respelling.
    names: list[str] = field(default_factory=list)
    # Search hits shown whatever their fused score: the lines closest in meaning to the
    # question (line_rank.py), which a record's title or opening outscores.
    lifted: list[int] = field(default_factory=list)
    # The turn's question: search hits that cannot answer it are not shown (tag_items.py).
    question: str = ""

    def __post_init__(self) -> None:
        self.fence = self.fence or new_fence(self.question)

    def add(self, clip: Clip, text: str, source: str, rank: int = 0) -> EvidenceItem:
        """Add an item; the same clip text from the same kind of tool keeps its number.
        `rank` is its place in the search that found it (several searches interleave)."""
        key = (*_clip_key(clip), source if source in _DISTINCT_SOURCES else "clip", text)
        if key in self._by_key:
            found = self.items[self._by_key[key] - 1]
            found.rank = min(found.rank, rank)
            return found
        item = EvidenceItem(len(self.items) + 1, clip, text, source, self.fence, rank=rank)
        respell_item(item, self.names)
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
        if not shown:
            return "(no evidence found)"
        told: set[str] = set()  # files whose title, date, place and people were given
        lines = []
        for item in shown:
            lines.append(item.render(item.clip.asset_id not in told, self.question))
            if item.facts():
                told.add(item.clip.asset_id)
        return "\n".join(lines)

    def shown(self, limit: int) -> list[EvidenceItem]:
        """What the model reads: the best `limit` search hits, leaving out hits scoring under
        RELATIVE_FLOOR of the best (noise that costs prompt time and misleads a small
        model), plus every item from the other tools. A record's title, date or topics
        matching the question lift the hit at its start (whole_asset.py) far above its
        own line that answers ("the briefing" 0.98, its housing sentence 0.32): lines of
        a record already shown count as strong down to SAME_RECORD_FLOOR."""
        searches = self.search_items()
        best = max((item.clip.score for item in searches), default=0.0)
        floor, record_floor = best * RELATIVE_FLOOR, best * SAME_RECORD_FLOOR
        shown = {item.clip.asset_id for item in searches if item.clip.score >= floor}
        strong = [
            item
            for item in searches
            if (
                item.clip.score >= floor
                or (item.clip.asset_id in shown and item.clip.score >= record_floor)
            )
            and not answers_nothing(item.text, self.question)
        ]
        # Each search's best hits first (a rewritten query's top hit beats the first
        # search's fifth), each line of a file once.
        chosen = _new_words(strong)[:limit]
        said = {(i.clip.asset_id, clean_text(i.text)) for i in chosen}
        lifted = [
            i
            for i in searches
            if i.n in self.lifted
            and i not in chosen
            and (i.clip.asset_id, clean_text(i.text)) not in said
        ]
        others = [item for item in self.items if item.source in _DISTINCT_SOURCES]
        return sorted(chosen + lifted + others, key=lambda item: item.n)

    def search_items(self) -> list[EvidenceItem]:
        return [item for item in self.items if item.source not in _DISTINCT_SOURCES]


def _new_words(items: list[EvidenceItem]) -> list[EvidenceItem]:
    """Items without an earlier one of the same file saying the same words (two matches
    of one line): the model would read it twice."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for item in sorted(items, key=lambda item: (item.rank, item.n)):  # best first
        key = (item.clip.asset_id, clean_text(item.text))
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


# Tools whose items are statements about an asset rather than search hits.
_DISTINCT_SOURCES = {VISUAL_QUESTION, *RECORD_TOOLS}


def clip_text(clip: Clip) -> str:
    """What the model reads for a search hit: the matched text (metadata goes to the
    fence's attributes, where a small model does not copy it into the answer)."""
    if clip.snippet.strip():
        return clip.snippet.strip()
    return f"(no text; matched {', '.join(clip.why) or 'by similarity'})"


def clip_facts(clip: Clip) -> dict[str, str]:
    return {
        name: _plain(clip.metadata[name])
        for name in FACT_FIELDS
        if clip.metadata.get(name) not in (None, "", [])
    }


def _attribute(value: str) -> str:
    return clean_text(value).replace('"', "'")[:120]


def _plain(value: object) -> str:
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
