"""The agent's LangChain tools: langchain-tests' standard ToolsUnitTests for each, and what
each tool does with a real catalog and a fixed engine."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from langchain_tests.unit_tests import ToolsUnitTests

from assistant.agent.fakes import FixedEngine
from assistant.agent.tools import (
    LookupMetadataTool,
    ProposeMetadataTool,
    SearchArchiveTool,
    UploadSearchTool,
    VisualQuestionTool,
    build_tools,
)
from assistant.agent.turn import TurnContext
from assistant.archive import Archive
from assistant.config import load_settings
from assistant.retrieval.modalities import modality
from assistant.schemas import MetadataValue, Provenance
from tests.helpers.builders import asset_row, clip_of

PHOTO = clip_of(
    "photos/market.jpg", "image", asset_id="d" * 16, score=0.8, metadata={"place": "Lyon"}
)


@cache
def _shared_archive() -> Archive:
    """One archive for the standard suites (they only build the tools)."""
    data_dir = Path(tempfile.mkdtemp(prefix="agent-tools-"))
    return Archive.open(load_settings("test", data_dir=data_dir))


class _Standard(ToolsUnitTests):
    tool_class: type

    @property
    def tool_constructor(self) -> type:
        return self.tool_class

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"ctx": TurnContext(_shared_archive(), FixedEngine([PHOTO]))}


class TestSearchArchiveStandard(_Standard):
    tool_class = SearchArchiveTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"query": "flood in the old town", "kind": ["video"], "date_from": "2019-01-01"}


class _UploadStandard(_Standard):
    tool_class = UploadSearchTool
    modality_name = ""

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        upload = modality(self.modality_name)
        return super().tool_constructor_params | {
            "name": upload.tool,
            "description": upload.tool_help,
            "modality": upload,
        }


class TestSearchByImageStandard(_UploadStandard):
    modality_name = "image"

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"query": "harbour"}


class TestSearchByAudioStandard(_UploadStandard):
    modality_name = "audio"

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"query": ""}


class TestVisualQuestionStandard(_Standard):
    tool_class = VisualQuestionTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"question": "What colour is the car?", "evidence": 1, "at_s": 12.5}


class TestLookupMetadataStandard(_Standard):
    tool_class = LookupMetadataTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"evidence": 2}


class TestProposeMetadataStandard(_Standard):
    tool_class = ProposeMetadataTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"asset_id": "d" * 16}


# --- behaviour ----------------------------------------------------------------------------
@pytest.fixture
def ctx(test_settings, tmp_path: Path):
    archive = Archive.open(test_settings)
    archive.catalog.put_asset(
        asset_row(tmp_path, "photos/market.jpg", "image", "d" * 16, width=640, height=480)
    )
    archive.catalog.set_metadata(
        "d" * 16,
        [
            MetadataValue(field="place", value="Lyon", source="sidecar"),
            MetadataValue(
                field="people",
                value=["A. Martin"],
                source="propagated",
                confidence=0.7,
                provenance=Provenance(
                    source_assets=["e" * 16], method="clip-neighbours", similarity=0.93
                ),
            ),
        ],
    )
    yield TurnContext(archive, FixedEngine([PHOTO]))
    archive.close()


def test_search_records_clips_and_numbers_evidence(ctx: TurnContext) -> None:
    tools = build_tools(ctx)
    text = tools["search_archive"].invoke({"query": "market", "kind": ["image"]})
    assert text.startswith(
        "searched 'market' → 1 clip, best photos/market.jpg (0.80)\n[1] photos/market.jpg (image)"
    )
    assert ctx.retrieved == [PHOTO] and ctx.evidence.get(1) is not None
    assert ctx.engine.queries[0].filters.kind == ["image"]  # type: ignore[attr-defined]


def test_lookup_metadata_gives_every_value_with_provenance(ctx: TurnContext) -> None:
    tools = build_tools(ctx)
    tools["search_archive"].invoke({"query": "market"})
    text = tools["lookup_metadata"].invoke({"evidence": 1})
    assert text.startswith("[2] Metadata of photos/market.jpg: kind image; 640x480 px")
    assert "place: Lyon (sidecar)" in text
    assert (
        "people: A. Martin (propagated via clip-neighbours from eeeeeeeeeeeeeeee, "
        "confidence 0.70)" in text
    )


def test_lookup_of_unknown_evidence_is_a_clear_error(ctx: TurnContext) -> None:
    from assistant.errors import AssistantError

    with pytest.raises(AssistantError, match="No asset for evidence"):
        build_tools(ctx)["lookup_metadata"].invoke({"evidence": 5})


def test_visual_question_says_when_it_is_off(ctx: TurnContext) -> None:
    # The test profile has no visual-QA weights (vqa backend "none").
    text = build_tools(ctx)["visual_question"].invoke(
        {"question": "How many people?", "asset_id": "d" * 16}
    )
    assert text.startswith("Visual questions are off:")
    assert ctx.evidence.items == []


def test_visual_question_answer_becomes_citable_evidence(
    ctx: TurnContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "assistant.agent.tools.visual_question",
        lambda archive, asset_id, question, at_s=None: "three people",
    )
    ctx.archive.models._built["vqa"] = object()
    text = build_tools(ctx)["visual_question"].invoke(
        {"question": "How many people?", "asset_id": "d" * 16}
    )
    assert text == "[1] three people"
    assert "asked 'How many people?': three people" in ctx.evidence.items[0].text


def test_propose_metadata_lists_proposals_as_unconfirmed(
    ctx: TurnContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    proposal = MetadataValue(
        field="topics",
        value=["market"],
        source="propagated",
        confidence=0.6,
        provenance=Provenance(method="clip-neighbours"),
    )
    monkeypatch.setattr(
        "assistant.agent.tools.propose_for_asset", lambda archive, asset_id: [proposal]
    )
    text = build_tools(ctx)["propose_metadata"].invoke({"asset_id": "d" * 16})
    assert "Proposed (not confirmed) metadata for photos/market.jpg: topics: market" in text


def test_upload_tools_without_upload_say_so(ctx: TurnContext) -> None:
    tools = build_tools(ctx)
    assert "No image was uploaded" in tools["search_by_image"].invoke({"query": ""})
    assert "No audio was uploaded" in tools["search_by_audio"].invoke({"query": ""})
    assert ctx.engine.queries == []  # type: ignore[attr-defined]
