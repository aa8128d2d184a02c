"""Captions and transcripts (issue #15) on the e2e conftest's real ingested archive: the
transcript route serves the speaker-labelled WebVTT / SRT / text of a recording (times
shifted for an excerpt), and in real headless Chromium a cited video's player carries the
captions track, shows a cue while it plays, and its card offers the transcript downloads.
The screenshot tests/e2e/screenshots/07_captions_in_player.png shows the captions."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e

CAPTIONS_SHOT = SCREENSHOTS / "07_captions_in_player.png"


def _video(live_app: Any) -> Any:
    catalog = live_app.archive.catalog
    return next(
        a for a in catalog.assets() if a.kind == "video" and catalog.segments(a.asset_id, "speech")
    )


def test_transcript_route_serves_speaker_labelled_text(live_app: Any) -> None:
    video = _video(live_app)
    route = f"api/assets/{video.asset_id}/transcript"
    with httpx.Client(base_url=live_app.url, timeout=60) as http:
        vtt = http.get(route)
        srt = http.get(route, params={"format": "srt", "download": 1})
        text = http.get(route, params={"format": "txt"})
        shifted = http.get(route, params={"offset": 5})
        photo = next(a for a in live_app.archive.catalog.assets() if a.kind == "image")
        none = http.get(f"api/assets/{photo.asset_id}/transcript")
        bad = http.get(route, params={"format": "doc"})
    assert vtt.status_code == 200 and vtt.headers["content-type"].startswith("text/vtt")
    # Each cue is labelled with its voice: "Voice 2", or the name a sidecar gave it.
    assert vtt.text.startswith("WEBVTT") and re.search(r"\n<v [^>]+>\w+ \w+", vtt.text)
    assert srt.text.startswith("1\n") and re.search(r"\n\[[^\]]+\] \w+", srt.text)
    assert "attachment" in srt.headers["content-disposition"]
    assert re.match(r"\[00:\d\d\] [^:]+: \w+", text.text)
    kept = [(a - 5, b - 5) for a, b in _times(vtt.text) if b > 5]
    assert _times(shifted.text)[0] == pytest.approx(kept[0], abs=0.002)
    assert none.status_code == 404 and "no sound" in none.text
    assert bad.status_code == 422


def _times(vtt: str) -> list[tuple[float, float]]:
    def seconds(stamp: str) -> float:
        h, m, rest = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(rest)

    return [
        (seconds(line.split(" --> ")[0]), seconds(line.split(" --> ")[1]))
        for line in vtt.splitlines()
        if " --> " in line
    ]


def test_cited_video_shows_speaker_captions(app_page: Any) -> None:
    page = app_page
    page.fill("#aa-ask-box textarea", "What closed the river road after the flooding?")
    page.keyboard.press("Enter")
    card = page.locator("#aa-evidence article.aa-card:has(video track)").first
    card.wait_for()
    card_id = card.get_attribute("id")
    src = card.locator("track").get_attribute("src")
    assert "/transcript?format=vtt" in src
    assert card.locator("a.aa-transcript-download").count() == 3
    video = f"document.querySelector('#{card_id} video')"
    page.evaluate(f"{video}.textTracks[0].mode = 'showing'")
    page.locator(f"#{card_id} button.aa-play").click()
    page.wait_for_function(
        f"(() => {{ const t = {video}.textTracks[0];"
        " return t && t.activeCues && t.activeCues.length > 0; })()"
    )
    cue = page.evaluate(f"{video}.textTracks[0].activeCues[0].text")
    assert re.match(r"<v [^>]+>\w+", cue), cue
    page.evaluate(f"{video}.pause()")
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(CAPTIONS_SHOT))
    assert CAPTIONS_SHOT.stat().st_size > 10_000
