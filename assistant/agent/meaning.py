"""How close in meaning the question is to what the answer cites: the paraphrase half of
the support check (support.py).

"Did the cost of grain go up?" shares no topic word with "Wheat prices rose in Rouen
because the harvest was poor", so a word check rejects a true, cited answer. A sentence
encoder (all-MiniLM-L6-v2, packaged; models.support) places the two close together. Names
are taken out of both sides first: "What did Elena Varga say about the gas pipeline?" is
otherwise near "Commissioner Elena Varga speaking at the council briefing" for the name
alone, and a name says who, not what about. So does a role: "Did the commissioner resign?"
scored 0.51 against that opening for "commissioner" alone, and the opening was quoted as
the answer (newsroom none-03). Calibrated on the newsroom suite's tuning cases
(bench/ask.py; docs/internals.md): every cited clip that answers scored 0.43 or more, the
clips cited for questions the archive cannot answer 0.39 or less.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from assistant.agent.evidence import EvidenceItem, clean_text
from assistant.agent.roles import office_alternation

# A cited sentence at least this close to the question (names out) addresses it.
MIN_MEANING = 0.42
_CITATION = re.compile(r"\[\d+(?:\s*[,;]\s*\d+)*\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"\S+")
# Roles say who, like names: lower-case in a question ("did the commissioner resign?"),
# capitalised before a name in the clip ("Commissioner Elena Varga").
# In the languages of roles.py ("le commissaire", "der Minister").
_ROLE = re.compile(office_alternation(), re.IGNORECASE)


class SentenceEncoder(Protocol):
    """What the check needs of a text encoder (models.base.TextEncoder has it)."""

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def unnamed(text: str) -> str:
    """The text without citations, capitalised words after its first (names, places,
    titles) and roles: 'What did Elena Varga say about tariffs?' -> 'What did say about
    tariffs?'; 'Did the commissioner resign?' -> 'Did the resign?'."""
    words = _WORD.findall(_CITATION.sub(" ", text))
    kept = [
        w
        for i, w in enumerate(words)
        if (i == 0 or not w.lstrip("\"'“‘(")[:1].isupper())
        and not _ROLE.fullmatch(w.strip("\"'“”‘’(),.;:!?"))
    ]
    return " ".join(kept)


def cited_sentences(cited: list[EvidenceItem]) -> list[str]:
    """Each cited item's own words, sentence by sentence, names out."""
    found = []
    for item in cited:
        for sentence in _SENTENCE_END.split(clean_text(item.text)):
            plain = unnamed(sentence)
            if len(plain.split()) >= 2:
                found.append(plain)
    return list(dict.fromkeys(found))


def closeness(asked: list[str], cited: list[EvidenceItem], encoder: SentenceEncoder) -> float:
    """The highest cosine between any of the asked texts (the question and its
    rewordings) and any cited sentence, names out of both; 0 when either side is empty."""
    questions = [q for q in (unnamed(text) for text in asked) if q.strip()]
    sentences = cited_sentences(cited)
    if not questions or not sentences:
        return 0.0
    asked_vectors = np.asarray(encoder.encode_queries(questions), dtype=np.float32)
    heard_vectors = np.asarray(encoder.encode_passages(sentences), dtype=np.float32)
    return float((asked_vectors @ heard_vectors.T).max())
