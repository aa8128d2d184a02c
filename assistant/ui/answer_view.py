"""How an Answer reads in the chat: [n] citations become links to their cards, and the
cards (or, for "not in the archive", the nearest clips, labelled as such) go beside it."""

from __future__ import annotations

import re

from assistant.schemas import Answer
from assistant.ui.cards import card_id, cards_grid, clip_card
from assistant.ui.media import MediaLinks

_CITATION = re.compile(r"\[(\d+)\]")


def link_citations(text: str, turn: int, count: int) -> str:
    """`[2]` -> a Markdown link to card 2 of this turn; numbers with no citation stay text."""

    def replace(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if 1 <= n <= count:
            return f"[[{n}]](#{card_id(turn, n)})"
        return match.group(0)

    return _CITATION.sub(replace, text)


def evidence_html(answer: Answer, turn: int, links: MediaLinks) -> str:
    if answer.citations:
        cards = [
            clip_card(c.clip, links=links, element_id=card_id(turn, c.n), badge=f"[{c.n}]")
            for c in answer.citations
        ]
        return f'<h3 class="aa-heading">Sources for “{_short(answer.question)}”</h3>' + cards_grid(
            cards
        )
    if answer.nearest:
        cards = [
            clip_card(clip, links=links, element_id=f"near-{turn}-{i}", badge="nearest")
            for i, clip in enumerate(answer.nearest, start=1)
        ]
        return (
            '<h3 class="aa-heading aa-abstain">Not in the archive — nearest clips '
            "(these do not answer the question)</h3>" + cards_grid(cards)
        )
    return '<p class="aa-empty">No clips support this answer.</p>'


def _short(text: str, limit: int = 80) -> str:
    from html import escape

    text = " ".join(text.split())
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")
