"""Check every citation of a generated answer against the turn's evidence.

Small models cite wrongly now and then (shared/MODELS.md), and archive text may try to
steer them, so nothing the model writes is trusted as-is:
- a citation [n] must name evidence shown to the model this turn; others are removed;
- a citation whose evidence shares no word with its sentence is removed as unsupported;
- a sentence left without support is re-attributed to the evidence it overlaps most, or
  flagged (Answer.flagged);
- an answer with no supported citation at all becomes an abstention.
Citations are then renumbered 1..m in order of appearance: [n] <-> Answer.citations[n-1].
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.agent.evidence import EvidenceItem
from assistant.schemas import Citation

CITATION = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# Bits of our evidence markup a small model sometimes copies into its answer.
_FENCE_FRAGMENT = re.compile(r"\s*</?evidence\b[^>\[\]]*>?")
_FRAGMENT_NUMBER = re.compile(r"""n\s*=\s*["']?(\d+)""")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOPWORDS = frozenset(str.split(
    "the and for that this with from was were are has have had his her its their they them "
    "she him you your our not but about into over than then there here what when where who "
    "which why how said says say also very just been being will would could should can did "
    "does one two all any some more most other such only own same too archive evidence "
    "clip file video audio image photo document"
))
# Re-attribute an uncited sentence only when it clearly draws on one evidence item.
MIN_SHARED_WORDS = 2
MIN_OVERLAP = 0.3
# An evidence text this short (e.g. a photo found by look alone) cannot be checked by words.
MIN_CHECKABLE_WORDS = 5
_REFUSAL = re.compile(
    r"\b(does not contain|doesn't contain|no information|not (mentioned|found|present)|"
    r"cannot (find|answer)|can't (find|answer)|unable to (find|answer)|no evidence)\b",
    re.IGNORECASE,
)


def content_words(text: str) -> set[str]:
    return {
        word for word in (w.lower() for w in _WORD.findall(text))
        if len(word) >= 3 and word not in _STOPWORDS and not word.isdigit()
    }


def looks_like_refusal(text: str) -> bool:
    return bool(_REFUSAL.search(text))


@dataclass
class Grounded:
    text: str
    citations: list[Citation] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    # Numbers the model cited that were not allowed or did not support their sentence.
    removed: list[int] = field(default_factory=list)


def ground(text: str, allowed: list[EvidenceItem]) -> Grounded:
    """Keep only supported citations; re-attribute or flag; renumber 1..m."""
    by_number = {item.n: item for item in allowed}
    result = Grounded(text="")
    text = _FENCE_FRAGMENT.sub(_fragment_citation, text)
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    checked = [_check_sentence(sentence, by_number, result) for sentence in sentences]
    checked = _fold_bare_markers(checked)
    result.text = _renumber(" ".join(checked), by_number, result)
    return result


def _check_sentence(sentence: str, by_number: dict[int, EvidenceItem], result: Grounded) -> str:
    words = content_words(CITATION.sub("", sentence))
    cited = [int(n) for group in CITATION.findall(sentence) for n in re.split(r"[,;]", group)]
    kept = [n for n in dict.fromkeys(cited) if n in by_number and _supports(by_number[n], words)]
    result.removed.extend(n for n in cited if n not in kept)
    bare, tail = _split_punctuation(CITATION.sub("", sentence).rstrip())
    if not kept:
        best = _best_support(words, by_number)
        if best is not None:
            kept = [best]
        elif cited and bare:
            result.flagged.append(bare + tail)
    markers = "".join(f"[{n}]" for n in kept)
    return f"{bare} {markers}{tail}" if markers else bare + tail


def _fragment_citation(match: re.Match[str]) -> str:
    """A copied opening tag that names its item ("<evidence n="2" ...>") becomes [2]."""
    number = _FRAGMENT_NUMBER.search(match.group(0))
    return f" [{number.group(1)}]" if number else ""


def _fold_bare_markers(sentences: list[str]) -> list[str]:
    """A "sentence" that is only citations ("... transport. [1]") joins the one before."""
    folded: list[str] = []
    for sentence in sentences:
        markers = re.findall(r"\[\d+\]", sentence)
        if folded and markers and not CITATION.sub("", sentence).strip(" .!?"):
            previous = folded[-1]
            bare, tail = _split_punctuation(previous)
            missing = "".join(m for m in markers if m not in previous)
            joint = "" if bare.endswith("]") else " "
            folded[-1] = f"{bare}{joint}{missing}{tail}" if missing else previous
            continue
        folded.append(sentence)
    return folded


def _supports(item: EvidenceItem, sentence_words: set[str]) -> bool:
    evidence_words = content_words(item.checkable_text)
    if len(evidence_words) < MIN_CHECKABLE_WORDS or not sentence_words:
        return True
    return bool(sentence_words & evidence_words)


def _best_support(words: set[str], by_number: dict[int, EvidenceItem]) -> int | None:
    """The item an uncited sentence restates: it shares enough words with it, or (a short
    claim like "It was said in Leuven") one word no other item has. A one-word claim
    ("PWNED") is never attributed on that word alone."""
    if not words:
        return None
    vocab = {n: content_words(item.checkable_text) for n, item in by_number.items()}
    scored = []
    for n, item_words in vocab.items():
        shared = words & item_words
        if len(shared) / len(words) < MIN_OVERLAP:
            continue
        others = set().union(*(v for m, v in vocab.items() if m != n))
        distinctive = len(words) >= MIN_SHARED_WORDS and bool(shared - others)
        if len(shared) >= MIN_SHARED_WORDS or distinctive:
            scored.append((len(shared), -n))
    return -max(scored)[1] if scored else None


def _split_punctuation(sentence: str) -> tuple[str, str]:
    stripped = sentence.rstrip(".!?")
    return stripped.rstrip(), sentence[len(stripped):]


def _renumber(text: str, by_number: dict[int, EvidenceItem], result: Grounded) -> str:
    order: dict[int, int] = {}

    def replace(match: re.Match[str]) -> str:
        old = int(match.group(1))
        if old not in order:
            order[old] = len(order) + 1
            result.citations.append(Citation(n=order[old], clip=by_number[old].clip))
        return f"[{order[old]}]"

    return re.sub(r"\[(\d+)\]", replace, text)
