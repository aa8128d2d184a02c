"""Faces and people in the catalog: storage, the encoding matrix, incremental clustering,
naming through proposals, deletion. Encodings here are plain vectors placed at known
distances (the real model is exercised in tests/integration/test_faces_real.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.archive import Archive
from assistant.enrich import people
from assistant.enrich.faces import MATCH, SAME_PERSON, FoundFace, match_score
from assistant.errors import AssistantError
from assistant.schemas import MetadataValue, Segment
from tests.helpers.builders import asset_row


def _vector(seed: int) -> np.ndarray:
    """A random direction scaled to dlib-like norms (distinct seeds are ~1.9 apart)."""
    rng = np.random.default_rng(seed)
    v = rng.normal(size=128).astype(np.float32)
    return v / np.linalg.norm(v) * 1.35


def _near(base: np.ndarray, distance: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    step = rng.normal(size=128).astype(np.float32)
    return (base + step / np.linalg.norm(step) * distance).astype(np.float32)


def _add_asset(
    archive: Archive,
    name: str,
    tmp: Path,
    faces: list[np.ndarray],
    people_value: list[str] | None = None,
    kind: str = "image",
) -> str:
    asset_id = f"{abs(hash(name)) % 16**16:016x}"
    archive.catalog.put_asset(asset_row(tmp, name, kind, asset_id, mime="image/jpeg"))
    times = {"start_s": 12.0, "end_s": 15.0} if kind == "video" else {}
    segment = Segment.of(asset_id, "visual", 0, **times)
    segment_id = segment.segment_id
    archive.catalog.replace_segments(asset_id, [segment])
    if people_value:
        archive.catalog.set_metadata(
            asset_id, [MetadataValue(field="people", value=people_value, source="sidecar")]
        )
    found = []
    for n, encoding in enumerate(faces):
        thumb = tmp / "thumbs" / asset_id / f"face_{n}.jpg"
        thumb.parent.mkdir(parents=True, exist_ok=True)
        thumb.write_bytes(b"jpeg")
        found.append(
            FoundFace(f"{asset_id}:face:{n}", segment_id, (0, 0, 50, 50), 1.0, encoding, str(thumb))
        )
    people.store_faces(archive, asset_id, found)
    archive.catalog.set_status(asset_id, "indexed")
    return asset_id


@pytest.fixture
def archive(test_settings) -> Archive:  # type: ignore[no-untyped-def]
    opened = Archive.open(test_settings)
    yield opened
    opened.close()


def test_match_score_is_half_at_the_clustering_threshold() -> None:
    assert match_score(0.0) == 1.0
    assert match_score(SAME_PERSON) == pytest.approx(0.5)
    assert match_score(MATCH) == 0.0
    assert match_score(0.35) > match_score(0.40) > match_score(0.48) > 0.0


def test_faces_cluster_incrementally_and_strangers_stay_apart(
    archive: Archive, tmp_path: Path
) -> None:
    ada = _vector(1)
    first = _add_asset(archive, "ada1.jpg", tmp_path, [ada])
    second = _add_asset(archive, "ada2.jpg", tmp_path, [_near(ada, 0.3, 2)])
    stranger = _add_asset(archive, "bob.jpg", tmp_path, [_vector(3)])
    # A third photo closer to the second than to the first still joins the same person.
    third = _add_asset(archive, "ada3.jpg", tmp_path, [_near(ada, 0.35, 4)])
    store = archive.faces
    by_asset = {f.asset_id: f.person_id for f in store.faces()}
    assert by_asset[first] == by_asset[second] == by_asset[third]
    assert by_asset[stranger] != by_asset[first]
    assert [p.faces for p in store.people()] == [3, 1]


def test_two_faces_in_one_picture_are_two_people(archive: Archive, tmp_path: Path) -> None:
    twin = _vector(5)
    _add_asset(archive, "twins.jpg", tmp_path, [twin, _near(twin, 0.2, 6)])
    assert len(archive.faces.people()) == 2


def test_nearest_applies_the_filter_before_the_cut(archive: Archive, tmp_path: Path) -> None:
    base = _vector(7)
    close = _add_asset(archive, "close.jpg", tmp_path, [_near(base, 0.1, 8)])
    farther = _add_asset(archive, "farther.jpg", tmp_path, [_near(base, 0.4, 9)])
    assert [f.split(":")[0] for f, _ in archive.faces.nearest(base, 1, MATCH)] == [close]
    only = archive.faces.nearest(base, 1, MATCH, asset_ids={farther})
    assert [f.split(":")[0] for f, _ in only] == [farther]
    assert archive.faces.nearest(base, 5, 0.05) == []


def test_sidecar_names_the_person_and_proposes_it_elsewhere(
    archive: Archive, tmp_path: Path
) -> None:
    grace = _vector(10)
    named = _add_asset(archive, "grace.jpg", tmp_path, [grace], people_value=["Grace Hopper"])
    clip = _add_asset(archive, "speech.mp4", tmp_path, [_near(grace, 0.3, 11)], kind="video")
    group = _add_asset(
        archive,
        "group.jpg",
        tmp_path,
        [_near(grace, 0.25, 12), _vector(13)],
        people_value=["Grace Hopper", "Someone Else"],
    )
    person = next(p for p in archive.faces.people() if p.name)
    assert (person.name, person.name_source, person.named_from) == (
        "Grace Hopper",
        "sidecar",
        named,
    )
    proposals = {p["asset_id"]: p for p in archive.catalog.proposals()}
    # The group photo's sidecar already names her: nothing to propose there.
    assert set(proposals) == {clip}
    proposal = proposals[clip]
    assert proposal["value"] == ["Grace Hopper"]
    assert proposal["provenance"]["method"] == "face-match"
    assert "distance 0.30" in proposal["provenance"]["note"]
    assert "seen at 00:12" in proposal["provenance"]["note"]
    assert proposal["confidence"] == pytest.approx(match_score(0.30), abs=0.01)
    assert group not in proposals


def test_naming_proposes_for_every_asset_and_never_overwrites(
    archive: Archive, tmp_path: Path
) -> None:
    linus = _vector(20)
    ids = [
        _add_asset(archive, f"l{i}.jpg", tmp_path, [_near(linus, 0.2 + i * 0.05, 21 + i)])
        for i in range(3)
    ]
    archive.catalog.set_metadata(
        ids[0], [MetadataValue(field="people", value=["L. T."], source="user")]
    )
    person = archive.faces.people()[0]
    naming = people.name_person(archive, person.person_id, "Linus")
    assert naming.proposed == 3
    from assistant.enrich import review

    for proposal in archive.catalog.proposals():
        review.accept(archive.catalog, proposal["proposal_id"])
    # The curated value still wins for the first photo; the others carry the name now.
    assert archive.catalog.effective_metadata(ids[0])["people"].value == ["L. T."]
    assert archive.catalog.effective_metadata(ids[1])["people"].value == ["Linus"]
    with pytest.raises(AssistantError):
        people.name_person(archive, 999, "Nobody")


def test_a_new_photo_of_a_named_person_gets_the_name_proposed_at_ingest(
    archive: Archive, tmp_path: Path
) -> None:
    face = _vector(60)
    first = _add_asset(archive, "first.jpg", tmp_path, [face])
    people.name_person(archive, archive.faces.people()[0].person_id, "Marie Curie")
    later = _add_asset(archive, "later.jpg", tmp_path, [_near(face, 0.25, 61)])
    stranger = _add_asset(archive, "stranger.jpg", tmp_path, [_vector(62)])
    proposed = {p["asset_id"]: p["value"] for p in archive.catalog.proposals()}
    assert proposed == {first: ["Marie Curie"], later: ["Marie Curie"]}
    assert stranger not in proposed
    assert people.delete_all_people(archive) == 3
    assert archive.faces.count() == 0 and archive.catalog.proposals() == []


def test_merging_two_people_keeps_one_name_and_proposes_it(
    archive: Archive, tmp_path: Path
) -> None:
    face = _vector(70)
    named = _add_asset(archive, "near.jpg", tmp_path, [face], people_value=["Lionel Messi"])
    far = _add_asset(archive, "far.jpg", tmp_path, [_near(face, 0.56, 71)])  # too far to join
    by_asset = {f.asset_id: f.person_id for f in archive.faces.faces()}
    assert by_asset[named] != by_asset[far]
    naming = people.merge_people(archive, by_asset[far], by_asset[named])
    assert naming is not None and naming.name == "Lionel Messi"
    assert [p.faces for p in archive.faces.people()] == [2]
    assert {p["asset_id"] for p in archive.catalog.proposals()} == {far}
    with pytest.raises(AssistantError):
        people.merge_people(archive, by_asset[far], by_asset[far])


def test_delete_person_removes_encodings_thumbnails_and_proposals(
    archive: Archive, tmp_path: Path
) -> None:
    face = _vector(30)
    _add_asset(archive, "a.jpg", tmp_path, [face])
    _add_asset(archive, "b.jpg", tmp_path, [_near(face, 0.2, 31)])
    kept = _add_asset(archive, "other.jpg", tmp_path, [_vector(32)])
    person = archive.faces.people()[0]
    thumbs = [Path(f.thumbnail or "") for f in archive.faces.faces(person_id=person.person_id)]
    people.name_person(archive, person.person_id, "Ada")
    assert archive.catalog.proposals()
    assert people.delete_person(archive, person.person_id) == 2
    assert not any(t.exists() for t in thumbs)
    assert archive.catalog.proposals() == []
    assert [f.asset_id for f in archive.faces.faces()] == [kept]
    assert archive.faces.nearest(face, 5, MATCH) == []


def test_deleting_an_asset_takes_its_faces(archive: Archive, tmp_path: Path) -> None:
    gone = _add_asset(archive, "gone.jpg", tmp_path, [_vector(40)])
    archive.catalog.delete_asset(gone)
    assert archive.faces.faces() == []
    assert archive.faces.people() == []


def test_people_tab_lists_names_and_deletes(archive: Archive, tmp_path: Path) -> None:
    import gradio as gr

    from assistant.ui.access import Access
    from assistant.ui.people_tab import PeopleHandler

    face = _vector(50)
    _add_asset(archive, "p1.jpg", tmp_path, [face])
    _add_asset(archive, "p2.jpg", tmp_path, [_near(face, 0.2, 51)])
    handler = PeopleHandler(
        people.People(archive.catalog, archive.faces), Access(archive.settings.serve)
    )
    gallery, choices = handler.listing()
    assert len(gallery) == 1 and Path(gallery[0][0]).is_file()
    assert "2 face(s) in 2 file(s)" in gallery[0][1]
    person_id = choices[0][1]
    assert "2 proposal(s)" in handler.name(person_id, "Ada")
    assert "#" in handler.listing()[0][0][1] and "Ada" in handler.listing()[0][0][1]
    with pytest.raises(gr.Error):
        handler.name(None, "Ada")
    assert "2 face(s)" in handler.delete(person_id)
    assert handler.listing() == ([], [])


def test_people_tab_naming_and_deleting_are_for_editors(archive: Archive, tmp_path: Path) -> None:
    import gradio as gr

    from assistant.config import ServeSettings
    from assistant.ui.access import Access
    from assistant.ui.people_tab import PeopleHandler

    _add_asset(archive, "p1.jpg", tmp_path, [_vector(60)])
    access = Access(ServeSettings(password="r", editor_password="e"))
    handler = PeopleHandler(people.People(archive.catalog, archive.faces), access)
    person_id = handler.listing()[1][0][1]
    for attempt in (
        lambda: handler.name(person_id, "Ada", user="archive"),  # the reader account
        lambda: handler.delete(person_id, user="archive"),
        lambda: handler.delete(person_id, user=None),  # nobody signed in
    ):
        with pytest.raises(gr.Error, match="for editors"):
            attempt()
    assert archive.faces.people()[0].name is None  # nothing was named or deleted
    assert "1 proposal(s)" in handler.name(person_id, "Ada", user="editor")
    assert "deleted" in handler.delete(person_id, user="editor")
    assert archive.faces.people() == []
