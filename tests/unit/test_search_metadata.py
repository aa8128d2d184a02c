"""Metadata as a search signal, and filters that return what no words matched.

The small archive of tests/helpers/search_archive.py (real MiniLM embeddings, real
Debian photos) plus two music tracks with no segments at all (as ingest leaves music:
no speech, only analysed key, mode and tempo) and a photo with only EXIF fields.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.archive import Archive
from assistant.errors import AssistantError
from assistant.retrieval.engine import SearchEngine, search_engine
from assistant.retrieval.filter_matches import WHY as FILTER_WHY
from assistant.retrieval.metadata_match import _match
from assistant.schemas import Clip, Filters, SearchQuery
from assistant.similarity.calibration import FILTER_ONLY
from assistant.store.catalog import Catalog
from assistant.store.metadata_text import field_words, gist, searchable_text
from tests.helpers.builders import asset_row
from tests.helpers.search_archive import (
    IDS,
    built_archive,
    meta_value,
    open_archive,
    put_asset,
    text_encoder,
)

SLOW_MINOR = "b1000000000000m1"
FAST_MAJOR = "b2000000000000m2"
STREET = "b3000000000000p3"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    root = tmp_path_factory.mktemp("search-metadata")
    opened = built_archive(root)
    media = root / "media"
    analysis = "analysis"
    put_asset(
        opened,
        media,
        SLOW_MINOR,
        "music/lament.flac",
        "audio",
        30.0,
        "indexed",
        is_music=True,
        metadata=[
            meta_value("title", "Night lament"),
            meta_value("key", "A minor", analysis),
            meta_value("mode", "minor", analysis),
            meta_value("tempo", 72.0, analysis),
            meta_value("loudness_db", -20.5, analysis),
        ],
    )
    put_asset(
        opened,
        media,
        FAST_MAJOR,
        "music/march.mp3",
        "audio",
        2.5,
        "indexed",
        is_music=True,
        metadata=[
            meta_value("key", "C major", analysis),
            meta_value("mode", "major", analysis),
            meta_value("tempo", 150.0, analysis),
        ],
    )
    put_asset(
        opened,
        media,
        STREET,
        "photos/street.jpg",
        "image",
        None,
        "indexed",
        metadata=[
            meta_value("date", "2019-05-04T10:30:00", "exif"),
            meta_value("camera", "Canon EOS 5D", "exif"),
            meta_value("latitude", 50.8798, "exif"),
        ],
    )
    return opened


@pytest.fixture(scope="module")
def engine(archive: Archive) -> SearchEngine:
    return search_engine(archive)


def search(engine: SearchEngine, **query: Any) -> list[Clip]:
    if "filters" in query:
        query["filters"] = Filters.parse(query["filters"])
    return engine.search(SearchQuery(**query))


# --- metadata as words -------------------------------------------------------------------
def test_fields_become_words_people_type() -> None:
    assert field_words("tempo", 72.0) == "72 BPM slow tempo"
    assert field_words("tempo", "150") == "150 BPM very fast tempo"
    assert field_words("key", "A minor") == "A minor key"
    assert field_words("date", "2018-06-16") == "2018-06-16 (June 2018)"
    assert field_words("people", ["Lionel Messi", "Anna"]) == "Lionel Messi, Anna"
    assert field_words("latitude", 50.88) == "" and field_words("rating", 4) == ""
    effective = {
        v.field: v
        for v in [
            meta_value("title", "Night lament"),
            meta_value("source", "Radio One"),
            meta_value("tempo", 72.0, "analysis"),
            meta_value("gps", "50.1,4.2", "exif"),
        ]
    }
    assert "Radio One" in searchable_text(effective) and "50.1" not in searchable_text(effective)
    # The gist (embedded for meaning) says what the asset is about, not who supplied it.
    assert gist(effective) == "Night lament. 72 BPM slow tempo"


def test_match_scores_coverage_times_confidence_and_names_the_field() -> None:
    sure = {"place": meta_value("place", "Leuven")}
    guessed = {"place": meta_value("place", "Leuven", "propagated", confidence=0.5)}
    assert _match(["Leuven", "bridge"], sure) == (0.5, "metadata: place 'Leuven'")
    assert _match(["Leuven", "bridge"], guessed)[0] == pytest.approx(0.25)


# --- the catalog keeps metadata text in step -----------------------------------------------
def test_catalog_keeps_metadata_text_in_step_with_every_write(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    catalog.put_asset(asset_row("/m", "a.jpg", "image", "c1", status="indexed"))
    catalog.set_metadata("c1", [meta_value("place", "Leuven")])
    assert [a for a, _ in catalog.metadata_search("leuven", 5)] == ["c1"]
    # A user value wins over the sidecar: the old place is no longer found.
    catalog.set_metadata("c1", [meta_value("place", "Ghent", "user")])
    assert catalog.metadata_search("leuven", 5) == []
    assert [a for a, _ in catalog.metadata_search("ghent", 5)] == ["c1"]
    assert catalog.metadata_search("ghent", 5, {"other"}) == []
    catalog.clear_metadata("c1", ["user"])
    assert [a for a, _ in catalog.metadata_search("leuven", 5)] == ["c1"]
    catalog.set_status("c1", "failed")
    assert catalog.metadata_search("leuven", 5) == []  # only indexed assets are found
    catalog.set_status("c1", "indexed")
    # A catalog made before metadata text existed is backfilled when opened.
    with catalog.transaction() as db:
        db.execute("DELETE FROM metadata_text")
    catalog.close()
    reopened = Catalog(tmp_path / "catalog.sqlite")
    assert [a for a, _ in reopened.metadata_search("leuven", 5)] == ["c1"]
    reopened.delete_asset("c1")
    assert reopened.metadata_search("leuven", 5) == []
    assert reopened.metadata_gists() == {}


# --- the metadata signal -------------------------------------------------------------------
def test_people_in_curated_metadata_find_the_photo(engine: SearchEngine) -> None:
    top = search(engine, text="Lionel Messi")[0]
    assert (top.asset_id, top.kind, top.start_s) == (IDS.messi, "image", None)
    assert "metadata: people 'Lionel Messi'" in top.why
    assert top.snippet == "Football star on the pitch"  # the title, not someone's speech
    assert 0.8 <= top.score <= 1.0


def test_exif_fields_are_searchable_too(engine: SearchEngine) -> None:
    top = search(engine, text="Canon camera")[0]
    assert top.asset_id == STREET and "metadata: camera 'Canon EOS 5D'" in top.why


def test_track_without_segments_is_found_by_title_and_plays_from_the_start(
    engine: SearchEngine,
) -> None:
    top = search(engine, text="night lament")[0]
    assert (top.asset_id, top.kind) == (SLOW_MINOR, "audio")
    assert (top.start_s, top.end_s) == (0.0, 4.0)  # padded to search.min_clip_s
    assert top.segment_ids == []  # the whole-asset stand-in is not a segment
    short = search(engine, text="C major", k=3)
    assert short[0].asset_id == FAST_MAJOR and short[0].end_s == 2.5  # clamped to duration


def test_music_attributes_are_matched_as_words(engine: SearchEngine) -> None:
    top = search(engine, text="slow track in a minor key")[0]
    assert top.asset_id == SLOW_MINOR
    assert any(w.startswith("metadata: ") for w in top.why)


def test_asset_metadata_joins_the_best_moment_without_stretching_it(engine: SearchEngine) -> None:
    plain = search(engine, text="commissioner energy prices")[0]
    placed = search(engine, text="commissioner energy prices Brussels")[0]
    for top in (plain, placed):
        assert (top.asset_id, top.start_s, top.end_s) == (IDS.video, 8.0, 16.0)
    assert any(w.startswith("metadata: place 'Brussels'") for w in placed.why)
    assert any(w.startswith("keyword: 'commissioner'") for w in placed.why)


def test_meaning_finds_metadata_in_other_words_and_caches_embeddings(archive: Archive) -> None:
    encoder = CountingEncoder()
    engine = search_engine(open_archive(archive.settings.data_dir, text=encoder))
    top = engine.search(SearchQuery(text="soccer player"))[0]
    assert top.asset_id == IDS.messi
    assert any(w.startswith("metadata meaning ") for w in top.why)
    assert not any(w.startswith(("metadata: ", "keyword")) for w in top.why)
    embedded = encoder.passages
    engine.search(SearchQuery(text="a painting"))
    assert encoder.passages == embedded  # gists are embedded once (the index keeps them)
    archive.catalog.set_metadata(IDS.fruits, [meta_value("description", "Apples and pears")])
    try:
        engine.search(SearchQuery(text="apples"))
        assert encoder.passages == embedded + 1  # only the edited asset again
    finally:
        archive.catalog.clear_metadata(IDS.fruits, ["user"])


class CountingEncoder:
    """The real MiniLM encoder, counting the passages it embeds."""

    name = "counting-minilm"
    cosine_range = (0.25, 0.75)

    def __init__(self) -> None:
        self.inner = text_encoder()
        self.passages = 0

    def encode_passages(self, texts: Any) -> np.ndarray:
        self.passages += len(texts)
        return self.inner.encode_passages(texts)

    def encode_queries(self, texts: Any) -> np.ndarray:
        return self.inner.encode_queries(texts)


# --- filters that no words matched ------------------------------------------------------
def test_filters_return_the_track_no_words_matched(engine: SearchEngine) -> None:
    clips = search(
        engine, text="tax returns of bakeries", filters={"mode": "minor", "tempo_max": 100}
    )
    assert [c.asset_id for c in clips] == [SLOW_MINOR]
    assert clips[0].why == [FILTER_WHY] and clips[0].score == FILTER_ONLY
    assert (clips[0].start_s, clips[0].end_s) == (0.0, 4.0)


def test_filter_matches_follow_real_matches(engine: SearchEngine) -> None:
    clips = search(engine, text="football match", filters={"kind": "audio"}, k=10)
    assert clips[0].asset_id == IDS.radio and FILTER_WHY not in clips[0].why
    tail = [c for c in clips if c.why == [FILTER_WHY]]
    assert {c.asset_id for c in tail} == {SLOW_MINOR, FAST_MAJOR}
    assert clips[-len(tail) :] == tail  # after every clip with evidence
    scores = [c.score for c in clips]
    assert scores == sorted(scores, reverse=True) and max(c.score for c in tail) <= FILTER_ONLY
    assert all(c.score > 0 for c in clips)


def test_filters_alone_browse_what_passes_them(engine: SearchEngine) -> None:
    clips = search(
        engine, filters={"date_from": "2019-01-01", "date_to": "2019-12-31", "kind": "image"}
    )
    assert [c.asset_id for c in clips] == [STREET]  # EXIF date: 2019-05-04
    assert clips[0].why == [FILTER_WHY] and clips[0].preview is None
    images = search(engine, filters={"kind": "image"}, k=2)
    assert len(images) == 2 and all(c.kind == "image" for c in images)


def test_an_empty_query_still_needs_something() -> None:
    with pytest.raises(AssistantError) as raised:
        SearchQuery(text="  ")
    assert raised.value.hint is not None and "filter" in raised.value.hint
    assert SearchQuery(filters=Filters.parse({"kind": "image"})).text == ""
