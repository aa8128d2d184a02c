"""Questions about an upload ("where was this filmed?", "when?", "who is this?", "which
programme?") answered from the matched asset's catalogue record, not by the model.

The upload itself is not in the archive: what the archive knows is a *match* of it, with a
similarity. So the answer names the match, gives its similarity, and states the asked
fields as the catalogue holds them (with their source), or says the record lacks them.
A 1.5B model asked the same wrote "The picture is in the archive at and and".
"""

from __future__ import annotations

import re

from assistant.agent.evidence import EvidenceItem
from assistant.agent.grounding import Grounded
from assistant.archive import Archive
from assistant.retrieval.modalities import MODALITIES
from assistant.schemas import Citation, MetadataValue
from assistant.vocabulary.timefmt import clock

_UPLOAD_SOURCES = tuple(m.tool for m in MODALITIES)
# A match weaker than this is not presented as the upload's origin.
MIN_SIMILARITY = 0.3
_ASKS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    # "Where else does this appear?" asks where in the archive: the normal answer path.
    (
        "place",
        re.compile(
            r"\bwhere\b(?!.*\b(else|appears?|used|in the archive)\b)|\bplace\b|"
            r"\blocation\b|\bcity\b|\bcountry\b",
            re.I,
        ),
        ("place", "gps"),
    ),
    (
        "date",
        re.compile(r"\bwhen\b|\bdate\b|\bwhat (day|year|time)\b|\bwhich (day|year)\b", re.I),
        ("date",),
    ),
    (
        "people",
        re.compile(r"\bwho\b|\bperson\b|\bpeople\b|\bname of\b", re.I),
        ("people", "speaker"),
    ),
    (
        "title",
        re.compile(
            r"\b(which|what) (programme|program|show|broadcast|bulletin|"
            r"episode|title|report|series)\b|\btitle\b",
            re.I,
        ),
        ("title",),
    ),
    (
        "source",
        re.compile(
            r"\bsource\b|\bwho (took|shot|filmed|made|recorded)\b|"
            r"\bphotographer\b|\bcredit\b|\bagency\b",
            re.I,
        ),
        ("source", "author", "photographer", "rights"),
    ),
)


def asked_fields(question: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(label, fields) for label, pattern, fields in _ASKS if pattern.search(question)]


def upload_answer(question: str, items: list[EvidenceItem], archive: Archive) -> Grounded | None:
    """The structured answer, or None when the question is not about the upload's origin
    or nothing matched it (the normal answer path then runs)."""
    asked = asked_fields(question)
    matches = [item for item in items if item.source in _UPLOAD_SOURCES]
    if not asked or not matches:
        return None
    best = max(matches, key=lambda item: item.clip.score)
    if best.clip.score < MIN_SIMILARITY:
        return None
    record = archive.catalog.effective_metadata(best.clip.asset_id)
    where = f" at {clock(best.clip.start_s)}" if best.clip.start_s is not None else ""
    lines = [
        f"The closest match of the upload in the archive is {best.clip.file}{where} "
        f"(similarity {best.clip.score:.2f}) [1]."
    ]
    known, unknown = [], []
    for label, fields in asked:
        value = next((record[f] for f in fields if f in record), None)
        if value is None:
            unknown.append(label)
        else:
            known.append(_fact(label, value))
    if known:
        lines.append("Its catalogue record gives " + "; ".join(known) + ".")
    if unknown:
        lines.append(f"Its record has no {' or '.join(unknown)}.")
    lines.append(
        "These facts describe the matched archive item; the upload itself is not in the archive."
    )
    return Grounded(text=" ".join(lines), citations=[Citation(n=1, clip=best.clip)])


def _fact(label: str, value: MetadataValue) -> str:
    shown = ", ".join(map(str, value.value)) if isinstance(value.value, list) else str(value.value)
    origin = (
        value.source
        if value.confidence >= 1
        else (f"{value.source}, confidence {value.confidence:.2f}")
    )
    return f"{label} {shown} ({origin})"
