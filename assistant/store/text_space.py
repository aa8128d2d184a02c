"""The `text` vector space belongs to one text encoder.

Vectors of two encoders are not comparable, even at the same dimension (all-MiniLM-L6-v2
and multilingual-e5-small are both 384-d: a query would silently match noise). The
catalog records which encoder filled the space (table vector_spaces). Search refuses a
space built by another encoder, with the command that fixes it; ingest and
`assistant reembed` re-embed the archive's stored segment texts with the current encoder
(no decoding or transcription again).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.progress import NullProgress, ProgressSink

if TYPE_CHECKING:  # the archive holds the catalog that imports this room
    from assistant.archive import Archive
    from assistant.models.base import TextEncoder
    from assistant.store.catalog import Catalog
    from assistant.store.vectors.base import VectorIndex

SPACE = "text"
META_SPACE = "meta"


@dataclass
class TextSpace:
    """The space, over the pieces it uses. `encoder` gives the profile's text encoder
    when first needed (it raises when there is none: ingest may run without one)."""

    catalog: Catalog
    vectors: VectorIndex
    encoder: Callable[[], TextEncoder]
    batch: int = 64

    def current_model(self) -> str:
        return str(self.encoder().name)

    def recorded_model(self) -> str | None:
        """The encoder that filled the space (a catalog older than the record says
        all-MiniLM-L6-v2: Catalog._record_legacy_text_space); None when never recorded."""
        return self.catalog.space_model(SPACE)

    def mismatch(self) -> tuple[str, str] | None:
        """(recorded, current) when the space was filled by another encoder."""
        recorded = self.recorded_model()
        if recorded is None:
            return None
        current = self.current_model()
        return (recorded, current) if recorded != current else None

    def check(self) -> None:
        """Raise a clear error when search would compare vectors of two encoders."""
        found = self.mismatch()
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

    def reembed(self, progress: ProgressSink | None = None) -> int:
        """Re-embed every stored text segment with the current encoder; returns how many.

        The space is emptied first (an encoder of another dimension needs a fresh
        collection) and recorded as the new encoder's only after every vector is written:
        an interrupted run leaves the old record, so the next start redoes it."""
        progress = progress or NullProgress()
        encoder = self.encoder()
        rows = self.catalog.text_segments()
        self.vectors.drop_space(SPACE)
        for start in range(0, len(rows), self.batch):
            part = rows[start : start + self.batch]
            vectors = encoder.encode_passages([text for _, _, text in part])
            self.vectors.upsert(
                SPACE, [sid for sid, _, _ in part], vectors, [asset for _, asset, _ in part]
            )
            progress.update("re-embedded", start + len(part), len(rows))
        # The metadata gists' space (store/metadata_space.py) holds the same encoder's
        # vectors: emptied and marked stale, it is re-embedded as searches and ingests sync.
        self.vectors.drop_space(META_SPACE)
        self.catalog.mark_all_meaning_stale()
        self.catalog.set_space_model(SPACE, encoder.name)
        return len(rows)

    def ensure(self, progress: ProgressSink | None = None) -> int:
        """At the start of an ingest: record the encoder of a new space (before any vector
        is written, so a crash cannot leave it unrecorded), or re-embed a space another
        encoder filled. Returns how many segments were re-embedded (0 when nothing was
        needed)."""
        if self.recorded_model() is None:
            # No text encoder here: ingest says so if it meets text to embed.
            with suppress(AssistantError):
                self.catalog.set_space_model(SPACE, self.current_model())
            return 0
        if self.mismatch() is None:
            return 0
        return self.reembed(progress)


def text_space(archive: Archive) -> TextSpace:
    """The archive's text space, batched as ingest embeds (ingest.batch_size x 4)."""
    batch = max(1, archive.settings.ingest.batch_size) * 4
    return TextSpace(archive.catalog, archive.vectors, archive.models.text, batch)


def check_text_space(archive: Archive) -> None:
    text_space(archive).check()


def reembed_text(archive: Archive, progress: ProgressSink | None = None) -> int:
    return text_space(archive).reembed(progress)


def ensure_text_space(archive: Archive, progress: ProgressSink | None = None) -> int:
    return text_space(archive).ensure(progress)
