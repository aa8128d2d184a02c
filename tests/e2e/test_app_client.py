"""The app's API through gradio_client: a text question, an image upload, an audio upload,
a search with filters, and the serving rules (upload types, no files outside the archive)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client, handle_file

from tests.helpers.app_search import search_api

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def client(live_app: Any) -> Client:
    return Client(live_app.url, verbose=False)


def _text(message: dict[str, Any]) -> str:
    content = message["content"]
    if isinstance(content, str):
        return content
    return " ".join(part.get("text", "") for part in content if isinstance(part, dict))


def _ask(client: Client, text: str, files: list[str] | None = None) -> tuple[list[dict], str]:
    message = {"text": text, "files": [handle_file(f) for f in files or []]}
    history, evidence, *_ = client.predict(message, api_name="/ask")
    return history, evidence


def test_text_question_streams_answer_with_cited_playable_clip(client: Client) -> None:
    history, evidence = _ask(client, "What closed the river road?")
    answer = _text(history[-1])
    assert re.search(r"\[\[1\]\]\(#clip-\d+-1\)", answer), answer
    card = re.search(r'<article class="aa-card" id="clip-\d+-1">.*?</article>', evidence, re.S)
    assert card, evidence
    media = re.search(r'<(video|audio|img)[^>]+src="([^"]+)"', card.group(0))
    assert media, card.group(0)
    assert media.group(2).startswith("/gradio_api/file=")
    if media.group(1) in ("video", "audio"):
        start = float(re.search(r'data-start="([\d.]+)"', card.group(0)).group(1))  # type: ignore[union-attr]
        assert f"#t={start:.2f}" in media.group(2)
    # tool steps are shown as collapsed "thoughts" before the answer
    assert any((m.get("metadata") or {}).get("title", "").startswith("Tool:") for m in history)


def test_served_clip_url_returns_the_media(client: Client, live_app: Any) -> None:
    _, evidence = _ask(client, "What closed the river road?")
    src = re.search(r'src="(/gradio_api/file=[^"#]+)', evidence)
    assert src
    response = httpx.get(live_app.url.rstrip("/") + src.group(1), headers={"Range": "bytes=0-99"})
    assert response.status_code in (200, 206)
    assert len(response.content) == 100 or len(response.content) > 100


def test_image_upload_reaches_the_agent(client: Client, live_app: Any) -> None:
    photo = live_app.root / "photos" / "messi5_copy_small.jpg"
    history, evidence = _ask(client, "Where else does this photo appear?", [str(photo)])
    assert any(
        isinstance(m["content"], list) and any(part.get("type") == "file" for part in m["content"])
        for m in history
        if m["role"] == "user"
    ), history
    assert 'class="aa-card"' in evidence


def test_audio_upload_reaches_the_agent(client: Client, live_app: Any) -> None:
    clip = live_app.root / "audio" / "radio_bulletin.mp3"
    history, evidence = _ask(client, "", [str(clip)])
    assert history[-1]["role"] == "assistant"
    assert 'class="aa-card"' in evidence


def test_upload_of_wrong_type_is_refused_with_a_clear_message(
    client: Client, live_app: Any, tmp_path: Path
) -> None:
    document = live_app.root / "docs" / "elections.pdf"
    with pytest.raises(Exception, match="Invalid file type"):
        _ask(client, "what is this?", [str(document)])
    disguised = tmp_path / "photo.jpg"  # passes the extension check, not the content one
    disguised.write_text("this is a text file, not a photo " * 20)
    with pytest.raises(Exception, match=r"Cannot use photo\.jpg"):
        _ask(client, "what is this?", [str(disguised)])


def _search(
    client: Client, text: str, kind: list[str], image: str | None = None, **filters: Any
) -> tuple[str, str]:
    upload = handle_file(image) if image else None
    return search_api(client, text, kind, upload, **filters)  # type: ignore[no-any-return]


def test_search_with_filters_returns_only_matching_kinds(client: Client) -> None:
    summary, results = _search(client, "flooding river road", ["video"])
    kinds = set(re.findall(r'class="aa-kind aa-(\w+)"', results))
    assert kinds == {"video"}, results
    assert "best first" in summary
    assert re.search(r'class="aa-score"[^>]*>[01]\.\d\d<', results)


def test_search_by_photo_finds_its_original(client: Client, live_app: Any) -> None:
    copy = live_app.root / "photos" / "messi5_copy_small.jpg"
    _, results = _search(client, "", ["image"], image=str(copy))
    files = re.findall(r'<footer class="aa-source"[^>]*>([^<·]+?)\s*[·<]', results)
    assert "photos/messi5.jpg" in files[:2], files


def test_bad_filter_value_is_explained(client: Client) -> None:
    with pytest.raises(Exception, match="Dates are written YYYY-MM-DD") as raised:
        _search(client, "flooding", [], date_from="12/03/2019")
    assert "Input should" not in str(raised.value) and "type=" not in str(raised.value)


def test_files_outside_the_archive_are_not_served(live_app: Any) -> None:
    base = live_app.url.rstrip("/")
    for path in (
        "/etc/passwd",
        f"{live_app.root}/../../etc/passwd",
        str(live_app.archive.settings.catalog_path),
    ):
        response = httpx.get(f"{base}/gradio_api/file={path}")
        assert response.status_code in (403, 404), path


def test_music_filters_reach_the_search(client: Client) -> None:
    _, results = _search(client, "regional news bulletin", ["audio"])
    assert "audio/radio_bulletin.mp3" in results
    # The bulletin is speech, not minor-key music at 100-140 BPM: the filters exclude it,
    # and the one track that passes them (120 BPM, A minor) is offered, labelled as such.
    _, results = _search(
        client, "regional news bulletin", ["audio"], tempo_min="100", tempo_max="140", mode="minor"
    )
    assert "radio_bulletin" not in results
    assert "audio/theme_music.flac" in results
    assert "matches the filters" in results
    # Nothing in the archive is audio under 90 BPM.
    summary, _ = _search(client, "regional news bulletin", ["audio"], tempo_max="90")
    assert summary.startswith("No clips match")


# Ingest from the app needs a signed-in editor and serve.ingest_roots: those tests are in
# test_app_security.py (test_editor_ingests_only_under_the_ingest_roots).


def test_metadata_proposals_can_be_found_accepted_and_rejected(
    client: Client, live_app: Any
) -> None:
    catalog = live_app.archive.catalog
    by_path = {a.rel_path: a for a in catalog.assets()}
    copy = by_path["photos/messi5_copy_small.jpg"]
    source = by_path["photos/messi5.jpg"]
    table, _, message = client.predict(api_name="/propose_metadata")
    assert "waiting for review" in message
    # the re-encoded copy gets the original's curated place, with where it came from
    assert "messi5_copy_small.jpg" in table and "Moscow" in table
    pending = {
        p["field"]: p for p in catalog.proposals("pending") if p["asset_id"] == copy.asset_id
    }
    assert pending["place"]["value"] == "Moscow"
    assert source.asset_id in pending["place"]["provenance"]["source_assets"]
    assert "date" in pending
    _, _, message = client.predict([pending["place"]["proposal_id"]], api_name="/accept_proposals")
    assert "Accepted 1" in message
    _, _, message = client.predict([pending["date"]["proposal_id"]], api_name="/reject_proposals")
    assert "Rejected 1" in message
    effective = catalog.effective_metadata(copy.asset_id)
    assert effective["place"].value == "Moscow"
    assert effective["place"].source == "propagated"
    assert effective["place"].provenance.source_assets == [source.asset_id]
    assert "date" not in effective or effective["date"].source != "propagated"
    # a decided proposal leaves the list, so it cannot be decided twice
    with pytest.raises(Exception, match=r"already accepted|not in the list of choices"):
        client.predict([pending["place"]["proposal_id"]], api_name="/accept_proposals")
