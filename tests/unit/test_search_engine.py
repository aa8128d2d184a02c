"""SearchEngine on a small archive written straight into catalog + Chroma (real MiniLM
text embeddings, real Debian photos for pHash); CLIP is off unless a test injects the
hand-made fake."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from assistant.archive import Archive
from assistant.errors import AssistantError
from assistant.media.images import phash_hex
from assistant.retrieval import engine as engine_module
from assistant.retrieval.engine import CLIP_OFF, SearchEngine, search_engine
from assistant.schemas import Clip, Filters, SearchQuery
from assistant.store import asset_scope
from assistant.store.asset_scope import BroadFilter
from tests.helpers.search_archive import (
    IDS,
    PHOTOS,
    FakeClip,
    FakeTranscriber,
    add_visual_vectors,
    built_archive,
    open_archive,
)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    return built_archive(tmp_path_factory.mktemp("search"))


@pytest.fixture(scope="module")
def engine(archive: Archive) -> SearchEngine:
    return search_engine(archive)


def search(engine: SearchEngine, **query: Any) -> list[Clip]:
    return engine.search(SearchQuery(**query))


def test_text_finds_the_spoken_statement_with_time_and_reasons(engine: SearchEngine) -> None:
    outcome = engine.run(SearchQuery(text="What did the commissioner say about energy prices?"))
    top = outcome.clips[0]
    assert (top.file, top.kind) == ("press/council_briefing.mp4", "video")
    assert (top.start_s, top.end_s) == (8.0, 16.0)
    assert "commissioner warned" in top.snippet
    assert any(w.startswith("keyword: 'commissioner'") for w in top.why)
    assert any(w.startswith("meaning ") for w in top.why)
    assert top.path.endswith("media/press/council_briefing.mp4")
    assert top.metadata["place"] == "Brussels" and top.metadata["people"] == ["Anna Schmidt"]
    assert top.preview is not None and Path(top.preview).is_file()
    assert all(0.0 <= c.score <= 1.0 for c in outcome.clips)
    assert [c.score for c in outcome.clips] == sorted(
        (c.score for c in outcome.clips), reverse=True
    )
    assert CLIP_OFF in outcome.notices


def test_exact_numbers_are_found_by_keyword(engine: SearchEngine) -> None:
    top = search(engine, text="340 euros")[0]
    assert (top.start_s, top.end_s) == (16.0, 24.0)
    assert "keyword: '340', 'euros'" in top.why


def test_paraphrase_is_found_by_meaning(engine: SearchEngine) -> None:
    clips = search(engine, text="cost of gas and electricity going up when it gets cold")
    top = clips[0]
    assert top.start_s == 8.0 and top.file == "press/council_briefing.mp4"
    assert not any(w.startswith("keyword") for w in top.why)


def test_documents_are_found_with_their_page(engine: SearchEngine) -> None:
    top = search(engine, text="cod fishing quotas")[0]
    assert top.file == "docs/harbour.md" and top.kind == "document"
    assert top.start_s is None and top.page == 1
    assert "quotas on cod" in top.snippet


def test_pending_assets_are_never_returned(engine: SearchEngine) -> None:
    clips = search(engine, text="commissioner resigned", k=50)
    assert IDS.pending not in {c.asset_id for c in clips}
    assert clips  # the indexed commissioner statement is still found


@pytest.mark.parametrize(
    ("filters", "allowed"),
    [
        ({"date_from": "2019-06-01"}, {IDS.radio, IDS.messi, IDS.fruits, IDS.report}),
        ({"place": "leuven"}, {IDS.radio}),
        ({"people": "anna"}, {IDS.video}),
        ({"kind": "document,audio"}, {IDS.radio, IDS.report}),
        ({"date_from": "2019-01-01", "date_to": "2019-12-31"}, {IDS.video, IDS.report}),
    ],
)
def test_filters_limit_every_signal(
    engine: SearchEngine, filters: dict[str, str], allowed: set[str]
) -> None:
    clips = search(
        engine, text="energy prices football harbour", filters=Filters.parse(filters), k=50
    )
    assert clips
    assert {c.asset_id for c in clips} <= allowed


@pytest.mark.parametrize(
    "filters",
    [
        {"place": "brussels"},
        {"place": "ls"},  # too short for the trigram index: instr over the facet column
        {"date_from": "2019-06-01"},
        {"kind": "video,audio", "date_to": "2020-01-01"},
        {"topics": "energy,football"},
        {"source": "harbour"},
    ],
)
def test_a_broad_filter_finds_what_its_ids_would(
    archive: Archive, filters: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filter passing more than BROAD_FILTER_IDS assets is kept as its SQL condition
    (full-text queries check it per row, the vector index per candidate): the same hits
    and clips as with its ids listed."""
    catalog = archive.catalog
    listed = catalog.filter_assets(Filters.parse(filters))
    monkeypatch.setattr(asset_scope, "BROAD_FILTER_IDS", 0)
    broad = catalog.filter_assets(Filters.parse(filters))
    assert type(listed) is asset_scope.ListedIds and isinstance(broad, BroadFilter)
    assert broad.passing(sorted(IDS.__dict__.values())) == set(listed)
    for words in ("energy prices football harbour", "winter", "Brussels Leuven fruit"):
        for k in (1, 5, 50):
            assert catalog.keyword_search(words, k, broad) == catalog.keyword_search(
                words, k, listed
            )
            assert catalog.metadata_search(words, k, broad) == catalog.metadata_search(
                words, k, listed
            )
    assert set(broad) == set(listed)  # read whole only when asked


def test_a_broad_filter_gives_the_clips_its_ids_would(
    engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = {"text": "energy prices football harbour", "k": 10}
    for filters in ({"date_from": "2019-06-01"}, {"kind": "video,audio"}, {"place": "brussels"}):
        listed = search(engine, filters=Filters.parse(filters), **query)
        with monkeypatch.context() as patch:
            patch.setattr(asset_scope, "BROAD_FILTER_IDS", 0)
            broad = search(engine, filters=Filters.parse(filters), **query)
        assert listed and [(c.asset_id, c.start_s, c.score) for c in broad] == [
            (c.asset_id, c.start_s, c.score) for c in listed
        ]


class SpyIndex:
    """Wraps the real index and records the asset_ids each query received."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[tuple[str, set[str] | None]] = []

    def query(
        self, space: str, vector: np.ndarray, k: int, asset_ids: set[str] | None = None
    ) -> list[tuple[str, float]]:
        self.calls.append((space, asset_ids))
        return self.inner.query(space, vector, k, asset_ids)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_filters_go_into_the_vector_query_not_after_it(archive: Archive) -> None:
    spy = SpyIndex(archive.vectors)
    spied = Archive(archive.settings, archive.catalog, spy, archive.models)
    clips = search_engine(spied).search(
        SearchQuery(text="energy prices", filters=Filters.parse({"place": "Ghent,Antwerp"}), k=1)
    )
    # "Ghent,Antwerp" is one substring: nothing matches, no index is asked anything.
    assert clips == [] and spy.calls == []
    search_engine(spied).search(
        SearchQuery(text="energy prices", k=1, filters=Filters.parse({"place": "Antwerp"}))
    )
    # The text space and the metadata-meaning space, each with the filter inside.
    assert spy.calls == [("text", {IDS.report}), ("meta", {IDS.report})]


def test_keyword_search_filters_before_its_limit(archive: Archive) -> None:
    # The video's segments rank above the report for "energy": k=1 must still reach it.
    hits = archive.catalog.keyword_search("energy prices harbour", 1, {IDS.report})
    assert [segment_id.split(":")[0] for segment_id, _ in hits] == [IDS.report]
    assert archive.catalog.keyword_search("energy", 5, set()) == []


def crop(
    fraction_box: tuple[float, float, float, float],
    out: Path,
    name: str = "messi5.jpg",
    size: tuple[int, int] | None = None,
) -> Path:
    with Image.open(PHOTOS / name) as image:
        w, h = image.size
        x0, y0, x1, y1 = fraction_box
        part = image.convert("RGB").crop((int(w * x0), int(h * y0), int(w * x1), int(h * y1)))
    if size:
        part = part.resize(size)
    part.save(out, quality=70)
    return out


def test_image_finds_its_resized_reencoded_copy_without_clip(
    engine: SearchEngine, tmp_path: Path
) -> None:
    query = crop((0, 0, 1, 1), tmp_path / "small.jpg", size=(200, 120))
    clips = search(engine, image=query)
    assert clips[0].asset_id == IDS.messi and clips[0].score > 0.8
    assert clips[0].why[0].startswith("near-duplicate (phash distance")
    assert clips[0].snippet == "Football star on the pitch"  # no text: the title


def test_engine_from_pieces_opens_the_face_store_only_for_a_picture(
    archive: Archive, tmp_path: Path
) -> None:
    opened: list[str] = []

    def faces() -> Any:
        opened.append("faces")
        return archive.faces

    engine = SearchEngine(archive.settings, archive.catalog, archive.vectors, archive.models, faces)
    spoken = search(engine, text="energy prices this winter")
    assert spoken[0].asset_id == IDS.video and opened == []
    query = crop((0, 0, 1, 1), tmp_path / "small.jpg", size=(200, 120))
    assert search(engine, image=query)[0].asset_id == IDS.messi and opened == ["faces"]


def test_signals_on_one_thread_rank_as_on_two(archive: Archive) -> None:
    """search.signal_threads: the full-text rankings run beside the vector ones, or in
    turn; the clips are the same either way."""
    found = {}
    for threads in (1, 2):
        settings = archive.settings.model_copy(deep=True)
        settings.search.signal_threads = threads
        engine = SearchEngine(settings, archive.catalog, archive.vectors, archive.models, dict)
        query = SearchQuery(text="energy prices this winter", k=5, filters=Filters(kind=["video"]))
        found[threads] = [(c.asset_id, c.start_s, c.score) for c in engine.search(query)]
    assert found[1] == found[2] and found[1]


def test_concurrent_queries_on_one_engine_rank_as_one_at_a_time(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server's request threads share one engine: its signal pool (made by whichever
    query comes first) and its cache of query vectors (here cleared by nearly every
    query). Six threads' results are those of one query at a time."""
    monkeypatch.setattr(engine_module, "QUERY_VECTORS_KEPT", 1)
    engine = SearchEngine(archive.settings, archive.catalog, archive.vectors, archive.models, dict)
    queries = [
        SearchQuery(text=text, k=5, filters=filters)
        for text in ("energy prices this winter", "the council budget", "wheat harvest")
        for filters in (Filters(), Filters(kind=["video"]))
    ]
    alone = [[(c.asset_id, c.start_s) for c in engine.search(q)] for q in queries]
    engine._workers = None  # the concurrent first queries make the pool
    with ThreadPoolExecutor(6) as pool:
        together = list(
            pool.map(
                lambda i: [(c.asset_id, c.start_s) for c in engine.search(queries[i % 6])],
                range(120),
            )
        )
    assert any(alone)
    assert together == [alone[i % 6] for i in range(120)]


class ClearedBetween(dict[str, np.ndarray]):
    """A vector cache that another request clears right after each membership test:
    the interleaving a check-then-index read loses to (KeyError)."""

    def __contains__(self, key: object) -> bool:
        found = super().__contains__(key)
        self.clear()
        return found


def test_a_query_vector_survives_another_request_clearing_the_cache(engine: SearchEngine) -> None:
    expected = engine.query_vector("energy prices this winter")
    engine._vectors = ClearedBetween({"energy prices this winter": expected})
    try:
        assert np.array_equal(engine.query_vector("energy prices this winter"), expected)
    finally:
        engine._vectors = {}


@pytest.mark.parametrize(
    "box", [(0.15, 0.15, 0.85, 0.85), (0.0, 0.0, 0.7, 0.7), (0.1, 0.1, 0.9, 0.9)]
)
def test_image_finds_the_source_of_a_crop(
    engine: SearchEngine, tmp_path: Path, box: tuple[float, float, float, float]
) -> None:
    clips = search(engine, image=crop(box, tmp_path / "crop.jpg"))
    assert clips and clips[0].asset_id == IDS.messi
    assert "crop" in clips[0].why[0]


def test_frame_grabbed_from_video_finds_the_moment(engine: SearchEngine, tmp_path: Path) -> None:
    # The video's keyframe at 00:12 is building.jpg; a re-encoded grab of it.
    clips = search(
        engine, image=crop((0, 0, 1, 1), tmp_path / "grab.jpg", "building.jpg", size=(400, 300))
    )
    top = clips[0]
    assert top.asset_id == IDS.video
    assert top.start_s is not None and top.end_s is not None
    assert top.start_s <= 12.0 <= top.end_s
    assert top.end_s - top.start_s >= 4.0  # padded to min_clip_s


def test_unrelated_image_matches_nothing(engine: SearchEngine) -> None:
    assert search(engine, image=PHOTOS / "baboon.jpg") == []


def test_audio_excerpt_in_other_words_lands_on_the_second(archive: Archive, tmp_path: Path) -> None:
    heard = "the commissioner he warned us that prices for energy would rise this winter"
    spoken = open_archive(archive.settings.data_dir, asr=FakeTranscriber(heard))
    upload = tmp_path / "excerpt.wav"
    upload.write_bytes(b"RIFF-not-decoded-by-the-fake")
    outcome = search_engine(spoken).run(SearchQuery(audio=upload))
    top = outcome.clips[0]
    assert outcome.transcript == heard
    assert top.file == "press/council_briefing.mp4"
    assert top.start_s is not None and top.end_s is not None
    assert 8.0 <= top.start_s <= 10.0 and top.end_s <= 16.5
    assert any(w.startswith("speech match at 00:0") for w in top.why)


def test_clip_powered_text_and_image_search(archive: Archive) -> None:
    messi_hash = phash_hex(Image.open(PHOTOS / "messi5.jpg").convert("RGB"))
    fruits_hash = phash_hex(Image.open(PHOTOS / "fruits.jpg").convert("RGB"))
    clip = FakeClip({"football": 0, messi_hash: 0, "fruit": 1, fruits_hash: 1})
    add_visual_vectors(archive, clip)
    with_clip = search_engine(open_archive(archive.settings.data_dir, clip=clip))
    outcome = with_clip.run(SearchQuery(text="fruit"))
    assert outcome.clips[0].asset_id == IDS.fruits
    assert outcome.clips[0].why[0].startswith("looks like the description")
    assert CLIP_OFF not in outcome.notices
    by_image = with_clip.search(SearchQuery(image=PHOTOS / "fruits.jpg"))
    assert by_image[0].asset_id == IDS.fruits
    assert {"near-duplicate (phash distance 0)"} <= set(by_image[0].why)
    assert any(w.startswith("looks similar") for w in by_image[0].why)


def test_text_and_image_together_fuse_both(engine: SearchEngine) -> None:
    clips = search(engine, text="harbour container volumes", image=PHOTOS / "messi5.jpg")
    assert {IDS.messi, IDS.report} <= {c.asset_id for c in clips[:2]}


@pytest.mark.parametrize(
    "query",
    [
        {"image": Path("/etc/hostname")},
        {"image": Path("/nonexistent/picture.jpg")},
        {"audio": Path("/nonexistent/clip.wav")},
    ],
)
def test_bad_uploads_raise_assistant_errors(engine: SearchEngine, query: dict[str, Any]) -> None:
    with pytest.raises(AssistantError):
        engine.search(SearchQuery(**query))


def test_empty_query_and_unknown_filters_are_user_errors() -> None:
    with pytest.raises(AssistantError):
        SearchQuery(text="   ")
    with pytest.raises(AssistantError, match="Unknown filter"):
        Filters.parse({"colour": "red"})


def test_audio_with_no_speech_says_so(archive: Archive, tmp_path: Path) -> None:
    silent = search_engine(open_archive(archive.settings.data_dir, asr=FakeTranscriber("")))
    upload = tmp_path / "silence.wav"
    upload.write_bytes(b"x")
    with pytest.raises(AssistantError, match="No speech"):
        silent.search(SearchQuery(audio=upload))
    outcome = silent.run(SearchQuery(text="energy prices", audio=upload))
    assert outcome.clips and any("No speech" in n for n in outcome.notices)
