"""Search on real media: the mixed test archive (Debian photos and videos, espeak-ng
speech, documents) ingested by the real pipeline with the packaged MiniLM and Whisper,
and no CLIP — so every visual match here comes from pHash alone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.ingest.pipeline import ingest_folder
from assistant.retrieval.engine import CLIP_OFF, SearchEngine, search_engine
from assistant.schemas import Clip, Filters, SearchQuery
from samples.media import TestArchive, build_test_archive, debian_photo, ffmpeg, speak

pytestmark = pytest.mark.slow


@dataclass
class Indexed:
    manifest: TestArchive
    archive: Archive
    engine: SearchEngine
    work: Path


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Indexed]:
    from assistant.models.provider import ModelProvider

    base = tmp_path_factory.mktemp("search-real")
    manifest = build_test_archive(base / "archive")
    settings = load_settings("test", data_dir=base / "data")
    provider = ModelProvider(settings.models)
    archive = Archive.open(
        settings, model_overrides={"clip": None, "text": provider.text(), "asr": provider.asr()}
    )
    report = ingest_folder(archive, manifest.root)
    assert report.counts_by_status.get("indexed", 0) >= len(manifest.good_files) - 1
    yield Indexed(manifest, archive, search_engine(archive), base / "work")
    archive.close()


def spoken_at(manifest: TestArchive, phrase: str) -> tuple[str, float, float]:
    line = next(line for line in manifest.spoken if phrase in line.text)
    rel = next(f for f in manifest.good_files if f.endswith("/" + line.file))
    return rel, line.start_s, line.end_s


def overlaps(clip: Clip, start: float, end: float, at_least: float = 1.0) -> bool:
    assert clip.start_s is not None and clip.end_s is not None
    return min(clip.end_s, end) - max(clip.start_s, start) >= at_least


def test_text_finds_the_spoken_sentence_in_the_video(indexed: Indexed) -> None:
    rel, start, end = spoken_at(indexed.manifest, "budget for public transport")
    outcome = indexed.engine.run(SearchQuery(text="council budget for buses and trams"))
    top = outcome.clips[0]
    assert top.file == rel and overlaps(top, start, end)
    assert CLIP_OFF in outcome.notices


def test_exact_word_finds_the_spoken_moment(indexed: Indexed) -> None:
    rel, start, end = spoken_at(indexed.manifest, "flooding")
    top = indexed.engine.search(SearchQuery(text="flooding"))[0]
    assert top.file == rel and overlaps(top, start, end)
    assert any(w.startswith("keyword: 'flooding'") for w in top.why)


def test_documents_and_filters(indexed: Indexed) -> None:
    top = indexed.engine.search(SearchQuery(text="green party seats in the election"))[0]
    assert top.file == "docs/elections.pdf" and top.page == 1
    only_docs = indexed.engine.search(
        SearchQuery(text="budget", filters=Filters.parse({"kind": "document"}), k=20)
    )
    assert only_docs and {c.kind for c in only_docs} == {"document"}
    in_leuven = indexed.engine.search(
        SearchQuery(
            text="flooding near the bridge", filters=Filters.parse({"place": "Leuven"}), k=20
        )
    )
    assert in_leuven and {c.file for c in in_leuven} <= {
        "video/street_news.mp4",
        "photos/leuven.jpg",
    }


def test_photo_finds_itself_and_its_smaller_copy(indexed: Indexed) -> None:
    clips = indexed.engine.search(SearchQuery(image=debian_photo("messi5.jpg")))
    assert {c.file for c in clips[:2]} == {"photos/messi5.jpg", "photos/messi5_copy_small.jpg"}
    assert all(c.score > 0.5 for c in clips[:2])


def test_cropped_debian_photo_finds_its_source(indexed: Indexed, tmp_path: Path) -> None:
    with Image.open(debian_photo("leuvenA.jpg")) as image:
        w, h = image.size
        image.convert("RGB").crop((0, int(h * 0.1), int(w * 0.65), int(h * 0.8))).save(
            tmp_path / "crop.jpg", quality=75
        )
    top = indexed.engine.search(SearchQuery(image=tmp_path / "crop.jpg"))[0]
    assert top.file == "photos/leuven.jpg"
    assert "crop" in top.why[0]


def test_frame_grabbed_from_a_video_finds_the_moment(indexed: Indexed, tmp_path: Path) -> None:
    video = indexed.manifest.root / "video" / "street_news.mp4"
    grab = tmp_path / "grab.png"
    ffmpeg(
        "-ss",
        "6",
        "-i",
        str(video),
        "-frames:v",
        "1",
        str(grab),
    )
    top = indexed.engine.search(SearchQuery(image=grab))[0]
    assert top.file == "video/street_news.mp4"
    assert top.start_s is not None and top.end_s is not None
    assert top.start_s - 4.0 <= 6.0 <= top.end_s + 4.0  # keyframes are <= 4 s apart


def test_spoken_excerpt_in_another_voice_and_words_finds_the_second(
    indexed: Indexed, tmp_path: Path
) -> None:
    rel, start, _ = spoken_at(indexed.manifest, "wildfire")
    excerpt = speak(
        "a wildfire close to the northern forest forced hundreds of families to leave",
        tmp_path / "excerpt.wav",
        voice="en-gb",
        speed=170,
    )
    outcome = indexed.engine.run(SearchQuery(audio=excerpt))
    assert "northern forest" in outcome.transcript.lower()
    top = outcome.clips[0]
    assert top.file == rel
    assert top.start_s is not None and abs(top.start_s - start) <= 1.5
    assert any(w.startswith("speech match at") for w in top.why)


def test_text_plus_audio_fuses_both(indexed: Indexed, tmp_path: Path) -> None:
    excerpt = speak("the football team won the final", tmp_path / "q.wav")
    clips = indexed.engine.search(SearchQuery(text="harbour container volumes", audio=excerpt))
    files = [c.file for c in clips[:3]]
    assert "docs/harbour_report.md" in files and "video/studio_cut.mp4" in files


def test_tiny_clip_adds_visual_signals_once_vectors_exist(indexed: Indexed, tmp_path: Path) -> None:
    """Plumbing only (random weights): once a CLIP model is present and the visual
    vectors are back-filled, text reaches pictures and image queries add CLIP votes."""
    from assistant.ingest.backfill import fill_visual_vectors
    from tests.helpers.tiny_clip import tiny_clip_encoder

    clip = tiny_clip_encoder(tmp_path / "clip")
    models = indexed.archive.models
    with_clip = Archive.open(
        indexed.archive.settings,
        model_overrides={"clip": clip, "text": models.text(), "asr": models.asr()},
    )
    filled, problems = fill_visual_vectors(with_clip, clip)
    assert filled > 0 and problems == []
    engine = search_engine(with_clip)
    outcome = engine.run(
        SearchQuery(text="a football player", filters=Filters.parse({"kind": "image"}))
    )
    assert CLIP_OFF not in outcome.notices
    assert outcome.clips and {c.kind for c in outcome.clips} == {"image"}
    top = engine.search(SearchQuery(image=debian_photo("fruits.jpg")))[0]
    assert top.file == "photos/fruits.jpg"
    assert any(w.startswith("looks similar") for w in top.why)


def test_undecodable_audio_upload_is_a_user_error(indexed: Indexed, tmp_path: Path) -> None:
    from assistant.errors import AssistantError

    upload = tmp_path / "clip.mp3"
    upload.write_bytes(b"ID3 this is not really an mp3" * 20)
    with pytest.raises(AssistantError, match="Cannot decode the query audio"):
        indexed.engine.search(SearchQuery(audio=upload))
