"""The People tab through gradio_client: the faces of the live app's photos (the real dlib
model on messi5.jpg and its copies), listed with thumbnails, named, then deleted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client
from PIL import Image

from assistant.enrich.faces import faces_in_pictures
from assistant.enrich.people import delete_person, store_faces

pytestmark = pytest.mark.e2e


def _index_faces(archive: Any, rel_paths: list[str]) -> None:
    model = archive.models.faces()
    if model is None:
        pytest.skip("dlib-bin / face_recognition_models not installed")
    by_path = {a.rel_path: a for a in archive.catalog.assets()}
    for rel in rel_paths:
        asset = by_path[rel]
        segment = archive.catalog.segments(asset.asset_id, "visual")[0]
        with Image.open(asset.path) as picture:
            found = faces_in_pictures(
                model,
                asset.asset_id,
                {segment.segment_id: picture.convert("RGB")},
                archive.settings.thumbnails_dir / asset.asset_id,
            )
        store_faces(archive, asset.asset_id, found)


def test_people_tab_names_and_deletes_a_person(live_app: Any) -> None:
    archive = live_app.archive
    photos = sorted(
        a.rel_path for a in archive.catalog.assets() if a.rel_path.startswith("photos/messi5")
    )
    _index_faces(archive, photos)
    client = Client(live_app.url, verbose=False)
    gallery, picker = client.predict(api_name="/list_people")
    assert gallery and Path(gallery[0]["image"]).is_file()  # the face thumbnail is served
    person_id = picker["choices"][0][1]
    face_assets = {f.asset_id for f in archive.faces.faces(person_id=person_id)}

    _, _, message = client.predict(person_id, "E2E Person", api_name="/name_person")
    assert f"{len(face_assets)} proposal(s)" in message
    proposed = {p["asset_id"] for p in archive.catalog.proposals() if p["value"] == ["E2E Person"]}
    assert proposed == face_assets

    _, picker, message = client.predict(person_id, api_name="/delete_person")
    assert "deleted" in message
    assert person_id not in [choice[1] for choice in picker["choices"]]
    assert not [p for p in archive.catalog.proposals() if p["value"] == ["E2E Person"]]
    for person in archive.faces.people():  # leave the shared app as it was
        delete_person(archive, person.person_id)


def test_only_editors_name_or_delete_people(live_app: Any) -> None:
    """Through a real walled server: a signed-in reader is refused both, an editor may."""
    from conftest import free_port

    from assistant.ui.app import build_app
    from assistant.ui.server import launch_app

    archive = live_app.archive
    _index_faces(archive, ["photos/messi5.jpg"])
    serve = archive.settings.serve.model_copy(
        update={
            "port": free_port(),
            "password": "r3ader",
            "editor_password": "3ditor",
        }
    )
    blocks = build_app(archive, object(), lambda: None)
    launch_app(blocks, archive.settings.model_copy(update={"serve": serve}), block=False)
    url = f"http://127.0.0.1:{serve.port}/"
    try:
        reader = Client(url, auth=("archive", "r3ader"), verbose=False)
        _, picker = reader.predict(api_name="/list_people")
        person_id = picker["choices"][0][1]
        for call in (
            lambda: reader.predict(person_id, "Not Allowed", api_name="/name_person"),
            lambda: reader.predict(person_id, api_name="/delete_person"),
        ):
            with pytest.raises(Exception, match="for editors"):
                call()
        assert person_id in [p.person_id for p in archive.faces.people()]
        assert not [p for p in archive.catalog.proposals() if p["value"] == ["Not Allowed"]]
        editor = Client(url, auth=("editor", "3ditor"), verbose=False)
        editor.predict(api_name="/list_people")  # the picker's choices are per session
        _, _, message = editor.predict(person_id, api_name="/delete_person")
        assert "deleted" in message
    finally:
        blocks.close()
        for person in archive.faces.people():
            delete_person(archive, person.person_id)
