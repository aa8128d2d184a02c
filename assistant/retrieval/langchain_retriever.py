"""A LangChain retriever over the same SearchEngine the CLI, UI and agent use.

Each clip becomes a Document: page_content is the clip's snippet (or, for a picture with
no text, a line naming it), metadata is the clip as a plain dict (file, times, score,
why, preview, effective metadata ...).
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.schemas import Clip, Filters, SearchQuery


def clip_document(clip: Clip) -> Document:
    content = clip.snippet or f"{clip.kind} {clip.file}"
    return Document(page_content=content, metadata=clip.model_dump(mode="json"))


class ArchiveRetriever(BaseRetriever):
    """`ArchiveRetriever(engine=search_engine(archive), k=4, filters=Filters(...))`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    engine: Any  # assistant.retrieval.engine.SearchEngine (Any: keeps pydantic off it)
    k: int = 4
    filters: Filters | None = None

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        filters: Filters | dict[str, Any] | None = None,
    ) -> list[Document]:
        chosen = filters if filters is not None else self.filters
        if isinstance(chosen, dict):
            chosen = Filters.parse(chosen)
        search = SearchQuery(text=query, k=k or self.k, filters=chosen or Filters())
        return [clip_document(clip) for clip in self.engine.search(search)]
