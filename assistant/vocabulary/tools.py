"""The agent's tool names: what the LLM calls, what plans and evidence record.

Besides these, one `search_by_<name>` tool per query modality (an upload searched as
itself: search_by_image, search_by_audio): retrieval/modalities.py declares them.
"""

from __future__ import annotations

SEARCH_ARCHIVE = "search_archive"
VISUAL_QUESTION = "visual_question"
LOOKUP_METADATA = "lookup_metadata"
PROPOSE_METADATA = "propose_metadata"

TOOL_NAMES: tuple[str, ...] = (
    SEARCH_ARCHIVE,
    VISUAL_QUESTION,
    LOOKUP_METADATA,
    PROPOSE_METADATA,
)
# Tools whose evidence is the catalogue's record of an asset, not its content.
RECORD_TOOLS: tuple[str, ...] = (LOOKUP_METADATA, PROPOSE_METADATA)
