"""Metadata sources: one table of who wrote a value, how much it is believed, and who owns it.

Curated values (user, sidecar) win over values read from the file (exif, container), which
win over inferred ones; propagation therefore never hides a curated value, and passes on
only values from sources with a `trust`. A new source is one row here plus its name in
`MetadataSource` (tests/unit/test_vocabulary.py checks they agree)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MetadataSource = Literal[
    "sidecar", "exif", "container", "asr", "vqa", "ocr", "analysis", "propagated", "user"
]


@dataclass(frozen=True)
class Source:
    # Lower wins when two sources give the same field (store/metadata_rules.py).
    priority: int
    # Factor on a propagated copy's confidence; None: never passed on to other assets.
    trust: float | None = None
    # Written by a person: never overwritten by inference, list fields merge into it.
    curated: bool = False
    # Written by ingest from the file itself: re-ingesting a file replaces these.
    ingest: bool = False


SOURCES: dict[str, Source] = {
    "user": Source(0, trust=1.0, curated=True),
    "sidecar": Source(1, trust=1.0, curated=True, ingest=True),
    "exif": Source(2, trust=0.95, ingest=True),
    "container": Source(3, trust=0.8, ingest=True),
    "propagated": Source(4),
    "analysis": Source(5, ingest=True),
    "asr": Source(6),
    "ocr": Source(7),
    "vqa": Source(8),
}
# An unknown source ranks after all known ones.
UNKNOWN_PRIORITY = 99

SOURCE_PRIORITY = {name: source.priority for name, source in SOURCES.items()}
SOURCE_TRUST = {name: s.trust for name, s in SOURCES.items() if s.trust is not None}
CURATED_SOURCES = frozenset(name for name, source in SOURCES.items() if source.curated)
INGEST_SOURCES: tuple[str, ...] = tuple(name for name, s in SOURCES.items() if s.ingest)
