"""A turn's uploads as the caller gave them (keywords by query modality name), checked."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from assistant.errors import AssistantError
from assistant.retrieval.modalities import MODALITIES, modality


def checked_uploads(question: str, given: Mapping[str, Path | str | None]) -> dict[str, Path]:
    """The uploads that were given, as paths; AssistantError for an empty turn, an unknown
    modality or a missing file."""
    uploads = {name: Path(value) for name, value in given.items() if value is not None}
    if not question and not uploads:
        nouns = " or ".join(m.a_noun for m in MODALITIES)
        raise AssistantError("The question is empty.", hint=f"Ask a question, or upload {nouns}.")
    for name, path in uploads.items():
        modality(name)
        if not path.is_file():
            raise AssistantError(
                f"The uploaded {name} {path} does not exist.",
                hint="Check the path of the file you attached.",
            )
    return uploads
