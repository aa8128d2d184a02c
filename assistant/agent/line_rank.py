"""Which retrieved lines answer the question: a second ranking, by meaning, of the lines
every search of the turn returned.

Retrieval fuses signals across a whole record: a briefing whose title, topics or opening
match the question scores 0.88 at its start, and its line that answers ("Electricity
tariffs will be frozen for the whole of next year", for "Will household energy charges be
held where they are?") 0.06, far under the floors that keep noise from the small model
(evidence.py `shown`). So the model never read it and said the archive had no answer. The
sentence encoder of the support check (meaning.py) ranks lines one by one against the
question and its rewordings, names out; the closest lines, when close enough to count as
addressing the question, are shown whatever their fused score (LIFT_MEANING).
"""

from __future__ import annotations

import numpy as np

from assistant.agent.evidence import EvidenceBook, EvidenceItem
from assistant.agent.meaning import SentenceEncoder, cited_sentences, unnamed

# Lines lifted past the floors per turn: each costs ~20 prompt tokens (~0.3 s on 2 cores).
LIFTED_LINES = 2
# How close a line must be to be lifted: under MIN_MEANING, because showing a line is not
# accepting it (the support check still asks MIN_MEANING of what the answer cites, or the
# topic's words). "How long will the rail walkout go on?" is 0.39 from "The strike is
# supposed to last until Thursday" (a misheard "Commuver trains" line 0.38), fused 0.13
# under a bulletin opening at 0.72: never shown, so never answered.
LIFT_MEANING = 0.36


def line_closeness(
    asked: list[str], items: list[EvidenceItem], encoder: SentenceEncoder
) -> dict[int, float]:
    """Each item's highest cosine to any asked text (names out of both), by item number;
    items without two words of their own (labels, empty hits) are left out."""
    questions = [q for q in (unnamed(text) for text in asked) if q.strip()]
    owned = [(item.n, sentence) for item in items for sentence in cited_sentences([item])]
    if not questions or not owned:
        return {}
    asked_vectors = np.asarray(encoder.encode_queries(questions), dtype=np.float32)
    heard = np.asarray(encoder.encode_passages([s for _, s in owned]), dtype=np.float32)
    best = (asked_vectors @ heard.T).max(axis=0)
    found: dict[int, float] = {}
    for (n, _), score in zip(owned, best, strict=True):
        found[n] = max(found.get(n, 0.0), float(score))
    return found


def answering_lines(
    asked: list[str],
    items: list[EvidenceItem],
    encoder: SentenceEncoder,
    limit: int = LIFTED_LINES,
    least: float = LIFT_MEANING,
) -> list[int]:
    """The numbers of the (at most `limit`) items closest in meaning to what was asked,
    among those at least `least` (LIFT_MEANING) close, closest first."""
    scores = line_closeness(asked, items, encoder)
    ranked = sorted(scores, key=lambda n: (-scores[n], n))
    return [n for n in ranked if scores[n] >= least][:limit]


def lift_answering_lines(
    book: EvidenceBook, asked: list[str], encoder: SentenceEncoder | None
) -> list[int]:
    """Mark the lines that answer best as shown (EvidenceBook.lifted); returns them."""
    if encoder is None:
        return []
    book.lifted = answering_lines(asked, book.search_items(), encoder)
    return book.lifted
