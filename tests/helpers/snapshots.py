"""Pieces of an archive's state that two ingest runs are compared by: equal for archives
holding the same things, wherever their data dirs are."""

from __future__ import annotations

from assistant.archive import Archive
from assistant.schemas import Asset

SPACES = ("text", "visual")


def metadata_rows(archive: Archive, assets: list[Asset]) -> list[tuple[str, str, str, str]]:
    """The stored metadata of `assets`, as sorted (file, field, source, value) rows."""
    return sorted(
        (a.rel_path, m.field, m.source, str(m.value))
        for a in assets
        for m in archive.catalog.metadata(a.asset_id)
    )


def vector_counts(archive: Archive) -> dict[str, int]:
    """How many vectors each space holds."""
    return {space: archive.vectors.count(space) for space in SPACES}
