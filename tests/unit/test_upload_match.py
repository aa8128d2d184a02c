"""Questions about an upload are answered from what the upload itself matches: real
Debian photos (pHash, no CLIP), real MiniLM text, the real search engine and the
session's structured upload answer (issue 17, newsroom upload-02 and upload-06)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import imagehash
import pytest
from PIL import Image

from assistant.agent.fakes import ScriptedLLM
from assistant.agent.session import ChatSession
from assistant.archive import Archive
from assistant.errors import AssistantError
from assistant.media import images
from assistant.retrieval.engine import SearchEngine, search_engine
from assistant.retrieval.outcome import SearchOutcome
from assistant.retrieval.query_media import load_query_image
from assistant.schemas import SearchQuery
from samples.media import debian_photo
from samples.stand_ins import spoken_line
from tests.helpers.search_archive import IDS, PHOTOS, built_archive, meta_value, put_asset

INTERVIEW = "a7000000000000r2"  # a radio interview: its title shares "interview"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    root = tmp_path_factory.mktemp("upload-match")
    opened = built_archive(root)
    put_asset(
        opened,
        root / "media",
        INTERVIEW,
        "radio/harbour_interview.m4a",
        "audio",
        16.0,
        status="indexed",
        metadata=[meta_value("title", "Harbour interview"), meta_value("people", ["Jonas Berg"])],
    )
    said = [spoken_line(INTERVIEW, 0, 0.0, 5.0, "My guest is the harbour master, Jonas Berg.")]
    opened.catalog.replace_segments(INTERVIEW, said)
    vectors = opened.models.text().encode_passages([s.text for s in said])
    opened.vectors.upsert("text", [s.segment_id for s in said], vectors, [INTERVIEW])
    opened.models._built["llm"] = ScriptedLLM([])  # an upload's origin needs no model
    opened.settings.agent = opened.settings.agent.model_copy(update={"rewrite": "never"})
    yield opened
    opened.close()


@pytest.fixture
def frame_grab(tmp_path: Path) -> Path:
    """A frame of the briefing video a moment after its first keyframe, the camera
    panned a little (its left 8 % gone), re-encoded: a window match of the keyframe
    (pHash 0.75), as newsroom's frame_council.jpg 3 s in is 0.67 from the keyframes."""
    with Image.open(PHOTOS / "leuvenA.jpg") as source:
        grab = source.convert("RGB").crop((source.width * 8 // 100, 0, *source.size))
    out = tmp_path / "frame_briefing.jpg"
    grab.save(out, quality=70)
    return out


def _recording(archive: Archive) -> tuple[SearchEngine, list[SearchQuery]]:
    """The real engine, keeping each query the session runs."""
    engine = search_engine(archive)
    queries: list[SearchQuery] = []
    run = engine.run

    def recorded(query: SearchQuery) -> SearchOutcome:
        queries.append(query)
        return run(query)

    engine.run = recorded  # type: ignore[method-assign]
    return engine, queries


@pytest.mark.parametrize(
    "question",
    ["Who appears in this video?", "Who is in this interview?", "Where and when was this filmed?"],
)
def test_a_question_about_an_uploaded_frame_is_answered_from_the_frame_s_own_match(
    archive: Archive, frame_grab: Path, question: str
) -> None:
    """The frame's pHash match is the briefing (people Anna Schmidt, Brussels,
    2019-03-01). Searched together with the picture, "Who is in this interview?" ranked
    the radio "Harbour interview" first (its title word, 1.00 against the frame's 0.75),
    and the answer named Jonas Berg."""
    engine, queries = _recording(archive)
    alone = engine.search(SearchQuery(image=frame_grab))[0]
    assert alone.asset_id == IDS.video and any("near-duplicate" in w for w in alone.why)
    answer = ChatSession(archive, engine).ask(question, image=frame_grab)
    assert [c.clip.asset_id for c in answer.citations] == [IDS.video]
    assert answer.trace[0].tool == "search_by_image" and queries[-1].text == ""
    assert f"(similarity {alone.score:.2f})" in answer.text
    expected = "Anna Schmidt" if question.startswith("Who") else "Brussels"
    assert expected in answer.text
    assert "Jonas Berg" not in answer.text


def test_words_that_are_not_about_the_upload_s_origin_still_search_with_it(
    archive: Archive, frame_grab: Path
) -> None:
    """Only an origin question leaves its words out: here "harbour master" is what to
    look for beside the picture, and the search finds the interview by them."""
    engine, queries = _recording(archive)
    archive.models._built["llm"] = ScriptedLLM(
        ['{"answerable": true, "answer": "The harbour master is Jonas Berg [1]."}'] * 3
    )
    try:
        ChatSession(archive, engine).ask("Is the harbour master in this too?", image=frame_grab)
    finally:
        archive.models._built["llm"] = ScriptedLLM([])
    assert queries[0].text == "Is the harbour master in this too?"
    assert queries[0].media == {"image": frame_grab}


def test_a_phone_photo_turned_by_exif_is_read_upright_like_its_archive_copy(
    tmp_path: Path,
) -> None:
    """A camera stores a portrait photo sideways with EXIF orientation 6. Ingest turns it
    upright (media/images.open_image); the query was read raw and hashed sideways: 26 bits
    from its own archive copy (messi5 36), past the near-duplicate cut of 12."""
    for name in ("Aqua.jpg", "messi5.jpg"):
        turned = tmp_path / f"turned-{name}"
        with Image.open(debian_photo(name)) as full:
            exif = full.getexif()
            exif[images.TAG_ORIENTATION] = 6
            full.save(turned, exif=exif, quality=90)
        archived = images.open_image(turned, 10**8).image
        query = load_query_image(turned, 10**8)
        assert query.size == archived.size and max(query.size) <= images.WORK_PX
        distance = imagehash.phash(query) - imagehash.hex_to_hash(images.phash_hex(archived))
        assert distance == 0, name


def test_a_query_image_over_the_pixel_limit_or_not_a_picture_says_which(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    Image.new("RGB", (20, 20)).save(big)
    with pytest.raises(AssistantError, match="too large") as too_large:
        load_query_image(big, max_pixels=100)
    assert "max_image_pixels" in (too_large.value.hint or "")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a picture")
    with pytest.raises(AssistantError, match=r"Cannot read the query image broken\.jpg"):
        load_query_image(broken, max_pixels=10_000)
