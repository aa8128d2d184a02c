"""The Voices tab in real headless Chromium over the e2e conftest's ingested archive (real
voice encoder on its espeak-ng speech): every voice is listed with a playable sample,
naming one proposes `people` with voice-match provenance for each file it speaks in,
and an uploaded clip of the voice (words the archive never says) finds its recordings
as playable cards. The screenshot tests/e2e/screenshots/08_voices_named_and_found.png
shows the named voice and the matches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.store.voices import VoiceStore
from samples import media as samples
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e

VOICES_SHOT = SCREENSHOTS / "08_voices_named_and_found.png"
NAME = "Erin Voss"


@pytest.fixture
def restore_voice_names(live_app: Any) -> Iterator[None]:
    """Leave the shared app's voices named as they were, without this test's proposals."""
    catalog = live_app.archive.catalog
    before = [
        (v.voice_id, v.name, v.name_source, v.name_note) for v in VoiceStore(catalog).voices()
    ]
    yield
    with catalog.transaction() as db:
        db.executemany(
            "UPDATE voices SET name=?, name_source=?, name_note=? WHERE voice_id=?",
            [(name, source, note, voice_id) for voice_id, name, source, note in before],
        )
        db.execute("DELETE FROM proposals WHERE value=?", (f'["{NAME}"]',))


def test_voices_are_listed_named_and_found_by_example(
    live_app: Any, app_page: Any, tmp_path: Path, restore_voice_names: None
) -> None:
    archive = live_app.archive
    store = VoiceStore(archive.catalog)
    voices = store.voices()
    assert voices, "the test archive's speech should give at least one voice"
    voice = max(voices, key=lambda v: (v.files, v.seconds))
    members = {m.asset_id for m in store.members(voice.voice_id)}
    example = samples.speak(samples.EXAMPLE_WORDS, tmp_path / "example.wav")
    page = app_page
    page.set_viewport_size({"width": 1440, "height": 1400})
    page.get_by_role("tab", name="Voices").click()
    listed = page.locator("#aa-voices section.aa-voice")
    listed.first.wait_for()
    assert listed.count() == len(voices)
    sample = page.locator(f"#aa-voice-{voice.voice_id} article.aa-card")
    assert sample.locator("audio, video").count() == 1  # a playable sample turn
    assert (
        f"{voice.files} recording(s)" in page.locator(f"#aa-voice-{voice.voice_id} h4").inner_text()
    )

    page.locator("#aa-voice-pick input").click()
    page.get_by_role("option").filter(has_text=f"Voice {voice.voice_id} ").first.click()
    page.fill("#aa-voice-name textarea, #aa-voice-name input", NAME)
    page.locator("#aa-voice-save").click()
    page.locator("#aa-voice-status").get_by_text("proposal(s) wait in Metadata review").wait_for()
    page.locator(f"#aa-voice-{voice.voice_id} h4").get_by_text(NAME).wait_for()

    page.set_input_files("#aa-voice-example input[type=file]", str(example))
    page.locator("#aa-voice-example audio, #aa-voice-example .waveform-container").first.wait_for(
        state="attached"
    )
    page.locator("#aa-voice-find").click()
    page.locator("#aa-voice-summary").get_by_text("recording(s) with this voice").wait_for()
    cards = page.locator("#aa-voice-matches article.aa-card")
    first = cards.first
    first.wait_for()
    assert first.locator("audio, video").count() == 1
    assert NAME in first.locator(".aa-speaker").inner_text()
    page.locator("#aa-voice-matches").scroll_into_view_if_needed()
    page.screenshot(path=str(VOICES_SHOT), full_page=True)
    assert VOICES_SHOT.stat().st_size > 10_000
    # What naming proposed, through the review flow: `people` for each file the voice
    # speaks in that did not already carry the name, with voice-match provenance.
    proposed = [p for p in archive.catalog.proposals() if p["value"] == [NAME]]
    assert proposed and {p["asset_id"] for p in proposed} <= members
    assert all(
        p["field"] == "people"
        and p["provenance"]["method"] == "voice-match"
        and 0.0 <= p["provenance"]["similarity"] <= 1.0
        for p in proposed
    )
