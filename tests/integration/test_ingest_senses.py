"""Sound events (YAMNet) and object labels (EfficientNet-Lite0) at ingest, with the real
packaged models on real media: Debian freedesktop sounds, opencv-doc / mate-backgrounds
photos and a street video whose soundtrack rings at a known time. Each is found by the
words a journalist would type."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.ingest.pipeline import ingest_folder
from assistant.retrieval.engine import search_engine
from assistant.schemas import Clip, IngestReport, SearchQuery
from samples.senses import (
    HEADLINE_FROM_S,
    RING_AT_S,
    SOUNDS,
    SensesArchive,
    another_take,
    build_senses_archive,
    freedesktop_sound,
)

pytestmark = pytest.mark.slow


@dataclass
class Ingested:
    archive: Archive
    report: IngestReport
    media: SensesArchive
    ids: dict[str, str]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ingested]:
    from assistant.models.provider import ModelProvider

    base = tmp_path_factory.mktemp("senses")
    media = build_senses_archive(base / "archive")
    settings = load_settings("test", data_dir=base / "data")
    # The test profile leaves both off to keep other tests quick; the defaults turn them on.
    assert load_settings("default", data_dir=base / "d").ingest.sound_events
    settings = settings.model_copy(
        update={
            "ingest": settings.ingest.model_copy(
                update={"sound_events": True, "object_labels": True}
            )
        }
    )
    text = ModelProvider(settings.models).text()
    archive = Archive.open(settings, model_overrides={"clip": None, "asr": None, "text": text})
    report = ingest_folder(archive, media.root)
    ids = {a.rel_path: a.asset_id for a in archive.catalog.assets()}
    yield Ingested(archive, report, media, ids)
    archive.close()


def _top(ingested: Ingested, text: str, k: int = 3) -> list[Clip]:
    return search_engine(ingested.archive).search(SearchQuery(text=text, k=k))


def _segments(ingested: Ingested, rel: str, kind: str) -> list[str]:
    return [s.text for s in ingested.archive.catalog.segments(ingested.ids[rel]) if s.kind == kind]


def test_everything_is_indexed(ingested: Ingested) -> None:
    assert ingested.report.counts_by_status == {"indexed": len(ingested.ids)}, ingested.report
    assert "sound" in ingested.report.seconds_by_stage
    assert "labels" in ingested.report.seconds_by_stage


def test_sounds_are_tagged_with_what_they_are(ingested: Ingested) -> None:
    ring = " ".join(_segments(ingested, "sounds/phone-incoming-call.oga", "sound")).lower()
    assert "telephone" in ring and "%" in ring
    alarm = " ".join(_segments(ingested, "sounds/alarm-clock-elapsed.oga", "sound"))
    assert "alarm" in alarm.lower()
    assert "camera" in " ".join(_segments(ingested, "sounds/camera-shutter.oga", "sound")).lower()


def _missed(ingested: Ingested, queries: dict[str, str]) -> dict[str, list[str]]:
    """The queries (words -> the file they should find) whose file is not in the top 3,
    with the files found instead."""
    found = {query: [c.file for c in _top(ingested, query)] for query in queries}
    return {query: files for query, files in found.items() if queries[query] not in files}


def test_sound_words_find_the_sounds(ingested: Ingested) -> None:
    missed = _missed(ingested, ingested.media.sound_queries)
    assert not missed, missed


def test_the_ringing_is_placed_in_the_videos_soundtrack(ingested: Ingested) -> None:
    video = ingested.ids[ingested.media.video]
    rings = [
        s
        for s in ingested.archive.catalog.segments(video)
        if s.kind == "sound" and "telephone" in s.text.lower()
    ]
    assert rings, _segments(ingested, ingested.media.video, "sound")
    assert all(s.start_s is not None and s.end_s is not None for s in rings)
    assert any(
        s.start_s <= RING_AT_S + 1.0 and s.end_s >= RING_AT_S
        for s in rings  # type: ignore[operator]
    ), [(s.start_s, s.end_s, s.text) for s in rings]
    hits = [c for c in _top(ingested, "telephone ringing", k=10) if c.asset_id == video]
    assert hits and hits[0].start_s is not None and hits[0].start_s <= RING_AT_S + 1.0


def test_object_words_find_the_photos(ingested: Ingested) -> None:
    missed = _missed(ingested, ingested.media.label_queries)
    assert not missed, missed


def test_photo_labels_carry_confidences_and_no_times(ingested: Ingested) -> None:
    segments = [
        s
        for s in ingested.archive.catalog.segments(ingested.ids["photos/baboon.jpg"])
        if s.kind == "label"
    ]
    assert segments and segments[0].text.startswith("Objects: baboon (")
    assert all(s.start_s is None and s.end_s is None for s in segments)


def test_default_settings_read_a_silent_videos_headline(ingested: Ingested) -> None:
    """OCR is on for video keyframes by default (and off for photos)."""
    assert ingested.archive.settings.ingest.ocr_keyframes
    assert not ingested.archive.settings.ingest.ocr
    video = ingested.ids[ingested.media.silent]
    hits = [
        c
        for c in _top(ingested, "bridge closed in Rennes after the storm", k=5)
        if c.asset_id == video
    ]
    assert hits, _segments(ingested, ingested.media.silent, "ocr")
    assert hits[0].start_s is not None and hits[0].start_s >= HEADLINE_FROM_S - 0.5
    assert "ocr" in ingested.report.seconds_by_stage
    assert not _segments(ingested, "photos/messi5.jpg", "ocr")  # photos are not read


# The sound-by-example test set: another take of each archive sound (quieter, later,
# over -60 dBFS noise; the int8 YAMNet hears -40 dBFS white noise under the alarm clock
# as rain) is the query; its own file must come first.
BY_EXAMPLE = [name for name, _ in SOUNDS]


def test_an_uploaded_sound_finds_recordings_with_that_sound(
    ingested: Ingested, tmp_path: Path
) -> None:
    engine = search_engine(ingested.archive)
    for i, name in enumerate(BY_EXAMPLE):
        query = another_take(freedesktop_sound(name), tmp_path / f"take{i}.wav", i)
        outcome = engine.run(SearchQuery(audio=query, k=3))
        assert outcome.clips, name
        assert outcome.clips[0].file == f"sounds/{name}", (name, [c.file for c in outcome.clips])
        assert any("sound" in n for n in outcome.notices)
    # The ring is also heard inside the street video's soundtrack, at its time.
    ring = another_take(freedesktop_sound("phone-incoming-call.oga"), tmp_path / "ring.wav", 9)
    clips = engine.search(SearchQuery(audio=ring, k=3))
    street = [c for c in clips if c.file == ingested.media.video]
    assert street, [c.file for c in clips]
    assert street[0].start_s <= RING_AT_S <= street[0].end_s + 1.0
