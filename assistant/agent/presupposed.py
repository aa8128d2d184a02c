"""What the question takes as given must be held by what the answer cites.

"How cold will it get tonight in Brussels?" is not answered by the Lyon morning brief's
"minus three degrees", nor "Why has the strike been extended until Monday?" by "the strike
is supposed to last until Thursday", nor "What did the brief of 10 January say?" by the
brief of 9 January: the sentences are close in meaning and of the asked kind, so the other
checks (support.py) pass them, and the answer is a true sentence about another place, day
or figure. So the figures, dates and weekdays a question states, and the archive's curated
place and person names it uses (names.archive_names), must stand in the cited items' own
words or records (their catalogue date gives its weekday and month, its place and people
their names). A capitalised word the archive does not curate is left alone: German nouns,
a name the archive never heard of (the other checks and the model judge those). The
record's date counts with its weekday, which "Tuesday's morning brief" needs; the price is
that "until Monday" is held by a bulletin recorded on a Monday.
"""

from __future__ import annotations

from collections.abc import Collection

from assistant.agent.claims import days_named, facts_in, fold, missing_facts
from assistant.agent.evidence import EvidenceItem


def unheld_givens(question: str, cited: list[EvidenceItem], names: Collection[str]) -> list[str]:
    """The figures, dates, weekdays and curated names the question states that no cited
    item holds (empty: everything it takes as given is there)."""
    text = " ".join(item.checkable_text for item in cited)
    held = facts_in(text)
    curated = {fold(name) for name in names}
    unheld = [
        missing.text
        for missing in missing_facts(question, held)
        if missing.kind != "name" or fold(missing.text) in curated
    ]
    days = days_named(question) - days_named(text) - held.weekdays
    return list(dict.fromkeys([*unheld, *sorted(days)]))
