"""Enrichment on a real ingested archive (the ingest pipeline, Whisper, MiniLM): copies and
crops of a catalogued photo get its place and date proposed, a video with no sidecar gets
topics from its speech, music is analysed and filterable, and the CLI reviews proposals."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.enrich.propagate import Proposal, propose_all
from assistant.ingest.pipeline import ingest_folder
from assistant.schemas import Filters
from samples.media import debian_photo, debian_video, synth_music, video_with_speech
from tests.helpers.cli_process import cli_argv

pytestmark = pytest.mark.slow

BRIEFING = [
    (
        1.0,
        "Commissioner Maria Lopez said in Brussels that energy prices will rise again this winter.",
    ),
    (7.0, "The council will vote on the harbour budget next week."),
]
UNLABELLED = [
    (
        0.5,
        "Energy prices will rise again this winter, warned the commissioner. "
        "Households will pay more for heating.",
    )
]


def _build(root: Path) -> None:
    photo = Image.open(debian_photo("messi5.jpg")).convert("RGB")
    photo.save(root / "match.jpg")
    (root / "match.jpg.json").write_text(
        json.dumps(
            {"place": "Camp Nou, Barcelona", "date": "2011-05-02", "people": ["Lionel Messi"]}
        )
    )
    width, height = photo.size
    photo.resize((width // 2, height // 2)).save(root / "copy_small.jpg", quality=80)
    photo.crop((int(width * 0.1), int(height * 0.1), int(width * 0.85), int(height * 0.9))).save(
        root / "crop.jpg"
    )
    shutil.copy(debian_photo("fruits.jpg"), root / "fruits.jpg")
    video_with_speech(debian_video("vtest.avi"), BRIEFING, root / "briefing.mp4", duration_s=12)
    (root / "briefing.mp4.json").write_text(
        json.dumps(
            {
                "place": "Brussels",
                "date": "2019-11-05",
                "topics": ["energy prices", "harbour budget"],
            }
        )
    )
    video_with_speech(debian_video("tree.avi"), UNLABELLED, root / "unlabelled.mp4", duration_s=9)
    synth_music(root / "slow.wav", bpm=72, key="A", mode="minor", seconds=10)
    synth_music(root / "fast.wav", bpm=128, key="G", mode="major", seconds=10)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Archive, list[Proposal]]]:
    root = tmp_path_factory.mktemp("archive")
    _build(root)
    settings = load_settings("test", data_dir=tmp_path_factory.mktemp("data"))
    archive = Archive.open(settings)
    report = ingest_folder(archive, root)
    assert report.counts_by_status.get("indexed") == 8, report
    yield archive, propose_all(archive)
    archive.close()


def _for(proposals: list[Proposal], rel_path: str) -> dict[str, list[Proposal]]:
    found: dict[str, list[Proposal]] = {}
    for proposal in proposals:
        if proposal.rel_path == rel_path:
            found.setdefault(proposal.field, []).append(proposal)
    return found


def _asset_id(archive: Archive, rel_path: str) -> str:
    return next(a.asset_id for a in archive.catalog.assets() if a.rel_path == rel_path)


def test_copy_and_crop_get_the_photos_place_and_date(ingested) -> None:
    archive, proposals = ingested
    original = _asset_id(archive, "match.jpg")
    for rel_path, method in (("copy_small.jpg", "near-duplicate"), ("crop.jpg", "crop")):
        fields = _for(proposals, rel_path)
        assert fields["place"][0].value == "Camp Nou, Barcelona", rel_path
        assert fields["date"][0].value == "2011-05-02", rel_path
        provenance = fields["place"][0].provenance
        assert provenance.source_assets == [original] and provenance.method == method
    assert _for(proposals, "fruits.jpg") == {}


def test_video_without_sidecar_gets_topics_from_its_speech(ingested) -> None:
    _, proposals = ingested
    topics = _for(proposals, "unlabelled.mp4")["topics"]
    heard = [p for p in topics if p.provenance.method == "speech-topics"]
    assert ["energy prices"] in [p.value for p in heard]
    assert all(p.confidence < 0.9 for p in heard)


def test_music_is_analysed_and_filterable(ingested) -> None:
    archive, _ = ingested
    slow, fast = _asset_id(archive, "slow.wav"), _asset_id(archive, "fast.wav")
    assert archive.catalog.filter_assets(Filters(mode="minor", tempo_max=100)) == {slow}
    assert archive.catalog.filter_assets(Filters(key="G major", tempo_min=120)) == {fast}
    tempo = archive.catalog.effective_metadata(slow)["tempo"]
    assert abs(float(tempo.value) - 72) <= 2 and tempo.source == "analysis"


def test_cli_applies_confident_proposals_and_reviews_the_rest(ingested) -> None:
    archive, _ = ingested
    env = dict(os.environ)
    base = cli_argv(archive.settings.data_dir, "metadata")

    def run(*args: str) -> list[dict]:
        done = subprocess.run(
            [*base, *args, "--json"], capture_output=True, text=True, env=env, timeout=300
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    pending = run("propose", "--apply-above", "0.9")
    assert pending and all(p["confidence"] < 0.9 for p in pending)
    copy = archive.catalog.effective_metadata(_asset_id(archive, "copy_small.jpg"))
    assert copy["place"].source == "propagated"
    crop_place = next(p for p in pending if p["rel_path"] == "crop.jpg" and p["field"] == "place")
    crop_people = next(p for p in pending if p["rel_path"] == "crop.jpg" and p["field"] == "people")
    left = run(
        "review",
        "--accept",
        str(crop_place["proposal_id"]),
        "--reject",
        str(crop_people["proposal_id"]),
    )
    assert {crop_place["proposal_id"], crop_people["proposal_id"]}.isdisjoint(
        p["proposal_id"] for p in left
    )
    crop = archive.catalog.effective_metadata(_asset_id(archive, "crop.jpg"))
    assert crop["place"].value == "Camp Nou, Barcelona" and "people" not in crop
