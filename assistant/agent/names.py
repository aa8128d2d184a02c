"""Names as the catalogue spells them, not as the recogniser heard them.

Whisper writes "Elena Fargas", "Okaffert", "Rauen" where the asset's curated metadata says
Elena Varga, Paul Okafor, Rouen. The model copies what it reads, so a recording's words are
shown with the curated spelling of near-matching names; the raw text stays on the
evidence item (raw_text) and the clip says what was respelled (Clip.why), as provenance.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Protocol

from assistant.agent.claims import fold
from assistant.agent.heard_plurals import plural_weekdays
from assistant.vocabulary.values import value_items

if TYPE_CHECKING:
    from assistant.agent.evidence import EvidenceItem

NAME_FIELDS = ("people", "place", "title", "speaker", "speakers")
# Similarity of two spellings (after the sound-alike folding below) to count as one name.
MIN_SIMILARITY = 0.72
# Names from elsewhere in the archive (not the cited asset's own record) are a weaker
# hint: a real but different name ("Bergen", "Bern") must not be turned into one of them,
# so the spellings must also be within one letter of the same length.
ARCHIVE_SIMILARITY = 0.8
ARCHIVE_LENGTH_GAP = 1
# How many of the commonest curated values per field are read from the catalogue.
ARCHIVE_NAME_VALUES = 2000
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_SOUND_ALIKE = (
    ("ph", "f"),
    ("v", "f"),
    ("w", "v"),
    ("ck", "k"),
    ("c", "k"),
    ("q", "k"),
    ("z", "s"),
    ("x", "ks"),
    ("y", "i"),
    ("h", ""),
)


def curated_names(metadata: Mapping[str, object]) -> list[str]:
    """Single capitalised words of the curated people, place, title and speaker values."""
    words: list[str] = []
    for name in NAME_FIELDS:
        value = metadata.get(name)
        if isinstance(value, dict) and "value" in value:
            value = value["value"]
        for item in value_items(value):
            words += [w for w in _WORD.findall(str(item)) if w[0].isupper() and len(w) >= 4]
    return list(dict.fromkeys(words))


class NameSource(Protocol):
    """The catalogue as names.py reads it (assistant.store.catalog.Catalog)."""

    def facet_values(self, field: str, limit: int = 50) -> list[tuple[str, int]]: ...


def archive_names(catalog: NameSource) -> list[str]:
    """Curated name words of the whole archive (people, places, titles, speakers),
    counted in SQL: a name the cited clip's own record lacks ("Jonas Berg" said in the
    harbour report, catalogued on the portrait) is still spelled as the catalogue does."""
    values = {
        field: [value for value, _ in catalog.facet_values(field, ARCHIVE_NAME_VALUES)]
        for field in NAME_FIELDS
    }
    return curated_names(values)


def _skeleton(word: str) -> str:
    folded = fold(word)
    for old, new in _SOUND_ALIKE:
        folded = folded.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", folded)


def similar(heard: str, curated: str) -> float:
    if abs(len(heard) - len(curated)) > 3:
        return 0.0
    plain = SequenceMatcher(None, fold(heard), fold(curated)).ratio()
    sounds = SequenceMatcher(None, _skeleton(heard), _skeleton(curated)).ratio()
    return max(plain, sounds)


def respell(
    text: str, names: list[str], others: list[str] | None = None
) -> tuple[str, list[tuple[str, str]]]:
    """Replace capitalised words (not sentence starts) that nearly match a curated name:
    the asset's own `names` first, then `others` (the rest of the archive) more strictly."""
    others = [name for name in others or [] if name not in names]
    if not names and not others:
        return text, []
    known = {fold(name) for name in [*names, *others]}
    changes: list[tuple[str, str]] = []

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        before = text[: match.start()].rstrip()
        if not word[0].isupper() or len(word) < 4 or not before or before[-1] in ".!?":
            return word
        base, _, suffix = word.partition("'") if "'" in word else (word, "", "")
        if fold(base) in known:
            return word
        near = [name for name in others if abs(len(name) - len(base)) <= ARCHIVE_LENGTH_GAP]
        best = _closest(base, names, MIN_SIMILARITY) or _closest(base, near, ARCHIVE_SIMILARITY)
        if best is None:
            return word
        changes.append((base, best))
        return best + ("'" + suffix if suffix else "")

    return _WORD.sub(replace, text), changes


def _closest(word: str, names: list[str], floor: float) -> str | None:
    scored = [(similar(word, name), name) for name in names]
    score, best = max(scored, default=(0.0, ""))
    return best if score >= floor else None


def respell_item(item: EvidenceItem, others: list[str] | None = None) -> None:
    """Show a recording's words with the catalogue's spelling (the asset's own record
    first, then `others`, names elsewhere in the archive); keep what was heard."""
    if item.clip.kind not in ("video", "audio"):
        return
    text, changes = respell(item.text, curated_names(item.clip.metadata), others)
    text, plurals = plural_weekdays(text)
    if not changes and not plurals:
        return
    item.raw_text, item.text, item.respelled = item.text, text, changes + plurals
    notes = [
        f"{what}: " + ", ".join(f"heard '{heard}' → '{shown}'" for heard, shown in pairs)
        for what, pairs in (
            ("names spelled as in the catalogue", changes),
            ("weekday plurals", plurals),
        )
        if pairs
    ]
    snippet = text if item.clip.snippet.strip() == item.raw_text.strip() else item.clip.snippet
    item.clip = item.clip.model_copy(update={"snippet": snippet, "why": [*item.clip.why, *notes]})
