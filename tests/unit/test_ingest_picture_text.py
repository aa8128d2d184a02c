"""OCR and captions wired into ingest, with fakes for the OCR reader and the visual-QA
model: segments of kind "ocr"/"caption" are stored, embedded and keyword-searchable, one
reader serves a whole run, and captions without a VQA model are skipped with one warning."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from assistant.archive import Archive
from assistant.ingest import models as ingest_models
from assistant.ingest.pipeline import ingest_folder
from samples.media import debian_photo
from tests.helpers.hashing_text import HashingTextEncoder, text_only
from tests.helpers.progress import RecordingSink

CAPTIONS_OFF = "Captions are off"


class FakeReader:
    """Stands in for OcrReader: reads the same ticker on every picture, counts itself."""

    made = 0

    def __init__(self, threads: int = 2) -> None:
        type(self).made += 1
        self.read = 0

    def lines(self, image: Image.Image, upscale: bool = True) -> list[str]:
        self.read += 1
        return ["STORM SURGE", "HARBOUR LIVE"]


class FakeVqa:
    name = "fake-vqa"

    def __init__(self) -> None:
        self.captions: list[str] = []

    def caption(self, image: Image.Image) -> str:
        self.captions.append(f"a photo {image.width} by {image.height} pixels")
        return self.captions[-1]

    def answer(self, image: Image.Image, question: str) -> str:
        return "yes"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    root.mkdir()
    for name in ("fruits.jpg", "messi5.jpg"):
        shutil.copy(debian_photo(name), root / name)
    return root


def _archive(settings: Any, ocr: bool = False, captions: bool = False, vqa: Any = None) -> Archive:
    ingest = settings.ingest.model_copy(update={"ocr": ocr, "captions": captions})
    overrides = text_only(HashingTextEncoder("word-hash", dim=32))
    if vqa is not None:
        overrides["vqa"] = vqa
    return Archive.open(settings.model_copy(update={"ingest": ingest}), model_overrides=overrides)


@pytest.fixture
def fake_reader(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[FakeReader]]:
    FakeReader.made = 0
    monkeypatch.setattr(ingest_models, "OcrReader", FakeReader)
    yield FakeReader


def _segments(archive: Archive, kind: str) -> list[Any]:
    return [
        s
        for a in archive.catalog.assets()
        for s in archive.catalog.segments(a.asset_id)
        if s.kind == kind
    ]


def test_ocr_text_is_stored_embedded_and_keyword_searchable(
    test_settings: Any, folder: Path, fake_reader: type[FakeReader]
) -> None:
    archive = _archive(test_settings, ocr=True)
    report = ingest_folder(archive, folder)
    assert report.counts_by_status == {"indexed": 2}
    ocr = _segments(archive, "ocr")
    assert sorted(s.asset_id for s in ocr) == sorted(a.asset_id for a in archive.catalog.assets())
    assert all(s.text == "STORM SURGE HARBOUR LIVE" and s.start_s is None for s in ocr)
    assert archive.vectors.count("text") == 2
    found = {sid for sid, _ in archive.catalog.keyword_search("surge", 10)}
    assert found == {s.segment_id for s in ocr}
    assert fake_reader.made == 1, "one OCR reader per run"
    assert "ocr" in report.seconds_by_stage
    archive.close()


def test_ocr_off_never_builds_a_reader(
    test_settings: Any, folder: Path, fake_reader: type[FakeReader]
) -> None:
    archive = _archive(test_settings, ocr=False)
    ingest_folder(archive, folder)
    assert fake_reader.made == 0
    assert _segments(archive, "ocr") == []
    archive.close()


def test_captions_without_vqa_are_skipped_with_one_warning(
    test_settings: Any, folder: Path
) -> None:
    archive = _archive(test_settings, captions=True)
    assert not archive.models.available("vqa")
    sink = RecordingSink()
    first = ingest_folder(archive, folder, sink)
    ingest_folder(archive, folder, sink)
    warnings = [w for w in first.warnings if CAPTIONS_OFF in w]
    assert len(warnings) == 1
    assert "models.vqa.path" in warnings[0]  # says how to turn them on
    assert sum(CAPTIONS_OFF in n for n in sink.notices) == 2  # once for each run
    assert first.counts_by_status == {"indexed": 2}
    assert _segments(archive, "caption") == []
    archive.close()


def test_captions_with_a_vqa_model_are_indexed_as_text(test_settings: Any, folder: Path) -> None:
    vqa = FakeVqa()
    archive = _archive(test_settings, captions=True, vqa=vqa)
    report = ingest_folder(archive, folder)
    assert not any(CAPTIONS_OFF in w for w in report.warnings)
    captions = _segments(archive, "caption")
    # One caption per photo, each the one the model gave for that photo's picture.
    assert sorted(s.text for s in captions) == sorted(vqa.captions)
    assert len({s.asset_id for s in captions}) == len(set(vqa.captions)) == 2
    assert archive.vectors.count("text") == 2
    assert archive.catalog.keyword_search("pixels", 10)
    archive.close()
