"""The search CLI (JSON and table) and the LangChain retriever, incl. langchain-tests'
standard RetrieversIntegrationTests, over the small archive of search_archive.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_tests.integration_tests import RetrieversIntegrationTests
from typer.testing import CliRunner

from assistant.archive import Archive
from assistant.cli import app
from assistant.errors import AssistantError
from assistant.retrieval.engine import SearchEngine, search_engine
from assistant.retrieval.langchain_retriever import ArchiveRetriever
from tests.helpers.search_archive import IDS, PHOTOS, built_archive


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    return built_archive(tmp_path_factory.mktemp("search-cli"))


def run_cli(archive: Archive, *args: str) -> Any:
    return CliRunner().invoke(
        app, ["--profile", "test", "--data-dir", str(archive.settings.data_dir), "search", *args]
    )


def test_cli_json_lists_clips(archive: Archive) -> None:
    result = run_cli(archive, "commissioner energy prices", "--k", "3", "--json")
    assert result.exit_code == 0, result.output
    clips = json.loads(result.stdout)
    assert 1 <= len(clips) <= 3
    assert {"file", "asset_id", "kind", "start_s", "end_s", "score", "snippet", "why"} <= set(
        clips[0]
    )
    assert clips[0]["file"] == "press/council_briefing.mp4" and clips[0]["start_s"] == 8.0


def test_cli_filters_and_image_queries(archive: Archive) -> None:
    result = run_cli(
        archive, "--image", str(PHOTOS / "messi5.jpg"), "--filter", "people=messi", "--json"
    )
    assert result.exit_code == 0, result.output
    assert [clip["asset_id"] for clip in json.loads(result.stdout)] == [IDS.messi]


def test_cli_table_shows_times_as_minutes_and_seconds(archive: Archive) -> None:
    result = run_cli(archive, "340 euros")
    assert result.exit_code == 0, result.output
    assert "00:16–00:24" in result.stdout
    assert "press/council_briefing.mp4" in result.stdout


@pytest.mark.parametrize(
    "args", [["energy", "--filter", "colour=red"], ["energy", "--filter", "date_from"], [""]]
)
def test_cli_bad_queries_are_user_errors(archive: Archive, args: list[str]) -> None:
    result = run_cli(archive, *args)
    assert result.exit_code != 0
    assert isinstance(result.exception, AssistantError)


def test_retriever_documents_carry_the_clip(archive: Archive) -> None:
    retriever = ArchiveRetriever(engine=search_engine(archive), k=2)
    docs = retriever.invoke("cod quotas for fishermen")
    assert len(docs) == 2 and all(isinstance(doc, Document) for doc in docs)
    assert docs[0].metadata["file"] == "docs/harbour.md"
    assert "quotas on cod" in docs[0].page_content
    assert docs[0].metadata["score"] >= docs[1].metadata["score"]
    filtered = retriever.invoke("energy prices", filters={"kind": "audio"})
    assert {doc.metadata["kind"] for doc in filtered} == {"audio"}


class TestArchiveRetrieverStandard(RetrieversIntegrationTests):
    """langchain-tests' standard suite for retrievers."""

    engine: SearchEngine

    @pytest.fixture(autouse=True)
    def _engine(self, archive: Archive) -> None:
        self.engine = search_engine(archive)

    @property
    def retriever_constructor(self) -> type[ArchiveRetriever]:
        return ArchiveRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"engine": self.engine}

    @property
    def retriever_query_example(self) -> str:
        return "energy prices this winter"


def test_photo_documents_have_readable_content(archive: Archive, tmp_path: Path) -> None:
    retriever = ArchiveRetriever(engine=search_engine(archive), k=1)
    docs = retriever.invoke("fruit market", filters={"kind": "image", "place": "ghent"})
    # No CLIP here: nothing visual matches text, so no fruit clip is invented either.
    assert all(doc.page_content for doc in docs)
