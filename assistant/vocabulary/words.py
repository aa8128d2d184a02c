"""The one word splitter and stop-word list: search terms, passage matching, entity
spotting and the agent's checks of an answer all split text the same way."""

from __future__ import annotations

import re
from functools import lru_cache

# Words that say nothing about content; matching only these is not evidence.
_STOP_WORDS_TEXT = """
a an and are as at be been being but by can could did do does for from had has have he
her him his how i if in into is it its me my no not of on or our she should so that the
their them then there these they this to too was we were what when where which who whom
why will with would you your about after all also any before said say says show find us
just than more most some such only own same very near over under between through during
against around up down out off again each other both here because while until without
within across along towards toward upon onto via per like
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SUFFIXES = ("ing", "ed", "es", "s", "ly")


def words(text: str) -> list[str]:
    """Runs of letters and digits, in order, as written (no case folding)."""
    return _WORD.findall(text)


# A query folds every word of each hit's text and metadata (thousands a query, from a
# vocabulary that repeats): folded once each.
@lru_cache(maxsize=65_536)
def fold(word: str) -> str:
    """Lower-case and strip a common English suffix, so 'prices' matches 'price'
    (a light stand-in for FTS5's porter stemmer)."""
    word = word.lower()
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    # 'price' and 'prices' (or 'priced') meet at 'pric'.
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def content_terms(text: str) -> list[str]:
    """The text's words worth matching, in order, without duplicates."""
    found = [w for w in words(text) if w.lower() not in STOP_WORDS]
    return list(dict.fromkeys(found))


def matched_terms(terms: list[str], text: str) -> list[str]:
    """The terms that occur in `text`, compared folded."""
    present = {fold(word) for word in words(text)}
    return [term for term in terms if fold(term) in present]
