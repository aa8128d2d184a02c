"""The agent's tool names: what the LLM calls, what plans and evidence record."""

from __future__ import annotations

SEARCH_ARCHIVE = "search_archive"
SEARCH_BY_IMAGE = "search_by_image"
SEARCH_BY_AUDIO = "search_by_audio"
VISUAL_QUESTION = "visual_question"
LOOKUP_METADATA = "lookup_metadata"
PROPOSE_METADATA = "propose_metadata"

TOOL_NAMES: tuple[str, ...] = (
    SEARCH_ARCHIVE,
    SEARCH_BY_IMAGE,
    SEARCH_BY_AUDIO,
    VISUAL_QUESTION,
    LOOKUP_METADATA,
    PROPOSE_METADATA,
)
# Tools that search with the user's uploaded picture or recording.
UPLOAD_TOOLS: tuple[str, ...] = (SEARCH_BY_IMAGE, SEARCH_BY_AUDIO)
# Tools whose evidence is the catalogue's record of an asset, not its content.
RECORD_TOOLS: tuple[str, ...] = (LOOKUP_METADATA, PROPOSE_METADATA)
