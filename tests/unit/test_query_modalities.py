"""The query-modality registry: each upload kind declared once, and every surface (the
query schema, the engine, the CLI, the MCP server) built from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.errors import AssistantError
from assistant.retrieval.modalities import MODALITIES, by_tool, modality, ordered, recognise
from assistant.schemas import SearchQuery
from samples.media import debian_photo, speak


def test_a_modality_name_is_a_query_keyword() -> None:
    photo = debian_photo("fruits.jpg")
    query = SearchQuery(text="fruit", image=photo)
    assert query.media == {"image": photo}
    both = SearchQuery(media={"audio": Path("a.wav")}, image=photo, audio=None)
    assert both.media == {"audio": Path("a.wav"), "image": photo}
    with pytest.raises(AssistantError, match="empty"):
        SearchQuery(image=None)


def test_unknown_modality_is_a_clear_error() -> None:
    with pytest.raises(AssistantError, match="'smell' is not a kind of query upload") as err:
        ordered({"smell": Path("x.bin")})
    assert err.value.hint is not None and "image" in err.value.hint
    assert [m.name for m, _ in ordered({"audio": Path("a"), "image": Path("b")})] == [
        "image",
        "audio",
    ]


def test_uploads_are_recognised_by_content(tmp_path: Path) -> None:
    wav = speak("the harbour opens at noon", tmp_path / "clip.wav")
    disguised = tmp_path / "photo.wav"  # an image whatever its name says
    disguised.write_bytes(debian_photo("fruits.jpg").read_bytes())
    assert recognise(debian_photo("fruits.jpg")) is modality("image")
    assert recognise(wav) is modality("audio")
    assert recognise(disguised) is modality("image")
    text = tmp_path / "notes.txt"
    text.write_text("not media")
    assert recognise(text) is None


def test_every_modality_has_its_tool_and_cli_option() -> None:
    from assistant.cli import app

    assert len({m.name for m in MODALITIES}) == len(MODALITIES)
    helped = CliRunner().invoke(app, ["search", "--help"], env={"COLUMNS": "200"})
    for known in MODALITIES:
        assert by_tool(known.tool) is known
        assert f"--{known.name}" in helped.output
    assert by_tool("search_archive") is None


def test_mcp_server_offers_one_search_per_modality() -> None:
    import asyncio

    from assistant.mcp_server.server import build_server

    server = build_server(toolbox=None)  # type: ignore[arg-type]  # tools are only listed
    names = {tool.name for tool in asyncio.run(server.list_tools())}
    assert {m.tool for m in MODALITIES} <= names
    assert "search_archive" in names
