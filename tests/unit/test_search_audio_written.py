"""Audio queries also search what is written down: document chunks, OCR text and
curated metadata, with the transcript as the query (real MiniLM embeddings; the
recogniser is a fake that returns a fixed transcript)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.archive import Archive
from assistant.retrieval.engine import search_engine
from assistant.schemas import Clip, MetadataValue, SearchQuery, Segment
from tests.helpers.search_archive import (
    FakeTranscriber,
    _document,
    _embed_text,
    _photo,
    _speech_asset,
    open_archive,
)

# Ids sort the document before the radio: an exact tie on score would otherwise be
# broken by id in the document's favour.
DOC = "a0000000000000d1"
OTHER_DOC = "a0000000000000d2"
RADIO = "b0000000000000r1"
PHOTO = "c0000000000000p1"
RADIO_LINES = [
    (0.0, 5.0, "Good evening, this is the regional news."),
    (5.0, 10.0, "The health minister announced funding for three new hospitals."),
    (10.0, 15.0, "Nurses unions welcomed the plan but asked for higher wages."),
]
HOSPITALS = "The health minister announced funding for three new hospitals."
ELECTION_CHUNKS = [
    "Election results: the green party doubled its seats in the regional parliament.",
    HOSPITALS,
]
FERRY_CHUNKS = ["The ferry company cancelled crossings because of the autumn storms."]
SIGN_TEXT = "Road closed: flooding near the old stone bridge"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("audio-written")
    archive = open_archive(root / "data")
    media = root / "media"
    _speech_asset(archive, media, RADIO, "radio/evening_news.m4a", "audio", 15.0, RADIO_LINES)
    _document(archive, media, DOC, "docs/elections.pdf", ELECTION_CHUNKS)
    _document(archive, media, OTHER_DOC, "docs/ferries.md", FERRY_CHUNKS)
    _photo(archive, media, PHOTO, "photos/bridge.jpg", "building.jpg")
    _ocr(archive, PHOTO, SIGN_TEXT)
    archive.catalog.set_metadata(
        PHOTO,
        [
            MetadataValue(field="title", value="Firefighters at the wildfire", source="sidecar"),
            MetadataValue(field="place", value="Northern forest", source="sidecar"),
        ],
    )
    for asset_id in (RADIO, DOC, OTHER_DOC, PHOTO):
        archive.catalog.set_status(asset_id, "indexed")
    return root / "data"


def _ocr(archive: Archive, asset_id: str, text: str) -> None:
    segment = Segment.of(asset_id, "ocr", 0, text=text)
    archive.catalog.replace_segments(asset_id, [*archive.catalog.segments(asset_id, None), segment])
    _embed_text(archive, [segment])


def heard(data_dir: Path, transcript: str, tmp_path: Path, **query: Any) -> list[Clip]:
    engine = search_engine(open_archive(data_dir, asr=FakeTranscriber(transcript)))
    upload = tmp_path / "excerpt.wav"
    upload.write_bytes(b"RIFF-not-decoded-by-the-fake")
    return engine.run(SearchQuery(audio=upload, **query)).clips


def test_verbatim_excerpt_finds_the_moment_first_and_the_document_too(
    data_dir: Path, tmp_path: Path
) -> None:
    clips = heard(
        data_dir, "the health minister announced funding for three new hospitals", tmp_path
    )
    top, second = clips[0], clips[1]
    assert (top.file, second.file) == ("radio/evening_news.m4a", "docs/elections.pdf")
    # Both are exact matches (saturated scores): the aligned moment still comes first.
    assert top.score >= second.score > 0.9
    assert top.start_s is not None and top.end_s is not None
    assert 4.5 <= top.start_s <= 5.5 and top.end_s <= 10.5
    assert any(w.startswith("speech match at 00:05") for w in top.why)
    assert "three new hospitals" in second.snippet and second.start_s is None
    assert any(w.startswith("keyword: 'health'") for w in second.why)
    assert not any(w.startswith("speech match") for w in second.why)


def test_paraphrase_only_written_down_is_found_in_the_document(
    data_dir: Path, tmp_path: Path
) -> None:
    clips = heard(
        data_dir, "voters gave the greens twice as many seats in the regional vote", tmp_path
    )
    top = clips[0]
    assert top.file == "docs/elections.pdf"
    assert "green party doubled" in top.snippet
    assert any(w.startswith("meaning ") for w in top.why)
    assert "docs/ferries.md" not in {c.file for c in clips[:2]}


def test_ocr_text_and_curated_metadata_are_searched(data_dir: Path, tmp_path: Path) -> None:
    sign = heard(data_dir, "flooding closed the road at the old stone bridge", tmp_path)
    assert sign[0].file == "photos/bridge.jpg"
    assert any(w.startswith("keyword: 'flooding'") for w in sign[0].why)
    fire = heard(data_dir, "firefighters fought the wildfire in the northern forest", tmp_path)
    assert fire[0].file == "photos/bridge.jpg"
    assert any(w.startswith("metadata: ") for w in fire[0].why)


def test_filters_reach_the_written_text(data_dir: Path, tmp_path: Path) -> None:
    excerpt = "the health minister announced funding for three new hospitals"
    documents = heard(data_dir, excerpt, tmp_path, filters={"kind": "document"})
    assert documents and {c.kind for c in documents} == {"document"}
    assert documents[0].file == "docs/elections.pdf"
    spoken = heard(data_dir, excerpt, tmp_path, filters={"kind": "audio"})
    assert {c.file for c in spoken} == {"radio/evening_news.m4a"}


def test_written_and_spoken_rankings_ask_the_index_once(data_dir: Path, tmp_path: Path) -> None:
    """Unfiltered, the written and the spoken rankings ask the text space the same
    question (the transcript's vector, the same depth, every asset): one index query,
    and the clips are what two queries gave."""
    excerpt = "the health minister announced funding for three new hospitals"
    engine = search_engine(open_archive(data_dir, asr=FakeTranscriber(excerpt)))
    asked: list[tuple[str, int]] = []
    query = engine.vectors.query

    def counted(space: str, vector: Any, k: int, asset_ids: Any = None) -> Any:
        asked.append((space, k))
        return query(space, vector, k, asset_ids)

    engine.vectors.query = counted  # type: ignore[method-assign]
    upload = tmp_path / "excerpt.wav"
    upload.write_bytes(b"RIFF-not-decoded-by-the-fake")
    clips = engine.run(SearchQuery(audio=upload)).clips
    depth = engine.settings.candidates * 2
    assert asked.count(("text", depth)) == 1
    assert [c.file for c in clips[:2]] == ["radio/evening_news.m4a", "docs/elections.pdf"]
