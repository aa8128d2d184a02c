"""Weekday plurals the recogniser wrote as possessives: "open late on Friday's this month".

Whisper often writes a spoken plural weekday with an apostrophe. The model copies what it
reads, so the answer said "on Friday's" where the recording says "on Fridays". A weekday
with "'s" followed by no noun (the end of the sentence, or a word such as "this", "in",
"and", "until") is a plural, not a possessive ("Friday's match" stays as heard). Applied
beside the catalogue respelling (names.respell_item), which keeps the raw text.
"""

from __future__ import annotations

import re

from assistant.agent.claims import WEEKDAYS

_AFTER = (
    "this|that|these|those|next|last|every|each|in|at|on|from|until|till|and|or|only|"
    "during|through|throughout|between|before|after|of|for|when|until|too|as|with"
)
_POSSESSIVE_DAY = re.compile(
    rf"\b({'|'.join(WEEKDAYS)})['’]s(?=\s+(?:{_AFTER})\b|\s*[.,;:!?)]|\s*$)",
    re.IGNORECASE,
)


def plural_weekdays(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The text with possessive-looking weekday plurals spelled as plurals, and the changes
    as (heard, shown) pairs."""
    changes: list[tuple[str, str]] = []

    def plural(match: re.Match[str]) -> str:
        changes.append((match.group(0), match.group(1) + "s"))
        return match.group(1) + "s"

    return _POSSESSIVE_DAY.sub(plural, text), changes
