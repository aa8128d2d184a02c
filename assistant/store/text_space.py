"""The `text` vector space belongs to one text encoder.

Vectors of two encoders are not comparable, even at the same dimension (all-MiniLM-L6-v2
and multilingual-e5-small are both 384-d: a query would silently match noise). The
catalog records which encoder filled the space (table vector_spaces). Search refuses a
space built by another encoder, with the command that fixes it; ingest and
`assistant reembed` re-embed the archive's stored segment texts with the current encoder
(no decoding or transcription again).
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.progress import NullProgress, ProgressSink

if TYPE_CHECKING:  # the archive holds the catalog that imports this room
    from assistant.archive import Archive

SPACE = "text"
META_SPACE = "meta"


def current_model(archive: Archive) -> str:
    return str(archive.models.text().name)


def recorded_model(archive: Archive) -> str | None:
    """The encoder that filled the space (a catalog older than the record says
    all-MiniLM-L6-v2: Catalog._record_legacy_text_space); None when never recorded."""
    return archive.catalog.space_model(SPACE)


def mismatch(archive: Archive) -> tuple[str, str] | None:
    """(recorded, current) when the space was filled by another encoder."""
    recorded = recorded_model(archive)
    if recorded is None:
        return None
    current = current_model(archive)
    return (recorded, current) if recorded != current else None


def check_text_space(archive: Archive) -> None:
    """Raise a clear error when search would compare vectors of two encoders."""
    found = mismatch(archive)
    if found is None:
        return
    recorded, current = found
    raise AssistantError(
        f"The archive's text index was built with {recorded}, but this profile embeds "
        f"queries with {current}; their vectors are not comparable.",
        hint=f"Run `assistant reembed` (or `assistant ingest` again) to re-embed the "
        f"stored texts with {current} — nothing is re-transcribed — or use the profile "
        "that built the archive.",
    )


def reembed_text(archive: Archive, progress: ProgressSink | None = None) -> int:
    """Re-embed every stored text segment with the current encoder; returns how many.

    The space is emptied first (an encoder of another dimension needs a fresh collection)
    and recorded as the new encoder's only after every vector is written: an interrupted
    run leaves the old record, so the next start redoes it."""
    progress = progress or NullProgress()
    encoder = archive.models.text()
    rows = archive.catalog.text_segments()
    archive.vectors.drop_space(SPACE)
    batch = max(1, archive.settings.ingest.batch_size) * 4
    for start in range(0, len(rows), batch):
        part = rows[start : start + batch]
        vectors = encoder.encode_passages([text for _, _, text in part])
        archive.vectors.upsert(
            SPACE, [sid for sid, _, _ in part], vectors, [asset for _, asset, _ in part]
        )
        progress.update("re-embedded", start + len(part), len(rows))
    # The metadata gists' space (store/metadata_space.py) holds the same encoder's
    # vectors: emptied and marked stale, it is re-embedded as searches and ingests sync it.
    archive.vectors.drop_space(META_SPACE)
    archive.catalog.mark_all_meaning_stale()
    archive.catalog.set_space_model(SPACE, current_model(archive))
    return len(rows)


def ensure_text_space(archive: Archive, progress: ProgressSink | None = None) -> int:
    """At the start of an ingest: record the encoder of a new space (before any vector is
    written, so a crash cannot leave it unrecorded), or re-embed a space another encoder
    filled. Returns how many segments were re-embedded (0 when nothing was needed)."""
    if recorded_model(archive) is None:
        # No text encoder here: ingest says so if it meets text to embed.
        with suppress(AssistantError):
            archive.catalog.set_space_model(SPACE, current_model(archive))
        return 0
    if mismatch(archive) is None:
        return 0
    return reembed_text(archive, progress)
