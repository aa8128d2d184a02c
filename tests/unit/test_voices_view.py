"""The Voices tab's handler over a catalog holding one indexed two-voice interview (turns
and voices written as ingest writes them; the real encoder is exercised by
tests/integration/test_speakers.py and the browser by tests/e2e/test_voices_tab.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import gradio as gr
import numpy as np
import pytest

from assistant.archive import Archive
from assistant.diarization.speakers import SpeakerTurn
from assistant.schemas import Asset, MetadataValue, Segment, make_segment_id
from assistant.store.voices import AssetSpeaker, VoiceStore
from assistant.ui.voices_tab import VoicesHandler
from tests.helpers.fake_links import FakeLinks

# (speaker, start, end, words): the official's second turn is the longest of his.
LINES = [
    ("S1", 0.0, 3.0, "Will the ferries run while the bridge is closed?"),
    ("S2", 3.5, 6.0, "Yes, they will."),
    ("S1", 6.5, 8.0, "How often?"),
    ("S2", 8.5, 14.0, "Two extra ferries will run every hour from six in the morning."),
]


@pytest.fixture
def interview(test_settings, tmp_path: Path) -> Iterator[tuple[Archive, int, int]]:  # type: ignore[no-untyped-def]
    archive = Archive.open(test_settings)
    asset = Asset(
        asset_id="v" * 16,
        path=str(tmp_path / "two.wav"),
        root=str(tmp_path),
        rel_path="two.wav",
        kind="audio",
        duration_s=15.0,
        status="pending",
    )
    archive.catalog.put_asset(asset)
    archive.catalog.replace_segments(
        asset.asset_id,
        [
            Segment(
                segment_id=make_segment_id(asset.asset_id, "speech", i),
                asset_id=asset.asset_id,
                kind="speech",
                index=i,
                start_s=start,
                end_s=end,
                text=text,
                speaker=speaker,
            )
            for i, (speaker, start, end, text) in enumerate(LINES)
        ],
    )
    store = VoiceStore(archive.catalog)
    reporter, official = store.new_voice(), store.new_voice()
    store.replace_asset(
        asset.asset_id,
        [SpeakerTurn(start, end, speaker) for speaker, start, end, _ in LINES],
        [
            AssetSpeaker(asset.asset_id, "S1", reporter, 4.5, 1.0, np.ones(4, np.float32)),
            AssetSpeaker(asset.asset_id, "S2", official, 8.0, 1.0, np.ones(4, np.float32)),
        ],
    )
    archive.catalog.set_status(asset.asset_id, "indexed")
    yield archive, reporter, official
    archive.close()


def test_each_voice_has_its_turn_count_and_longest_turn_as_sample(interview) -> None:  # type: ignore[no-untyped-def]
    archive, reporter, official = interview
    samples = VoiceStore(archive.catalog).samples()
    assert samples[official].turns == 2 and samples[reporter].turns == 2
    assert (samples[official].speaker, samples[official].start_s) == ("S2", 8.5)
    assert (samples[reporter].start_s, samples[reporter].end_s) == (0.0, 3.0)


def test_the_listing_plays_each_voices_sample_with_its_words(interview) -> None:  # type: ignore[no-untyped-def]
    archive, reporter, official = interview
    cards, choices = VoicesHandler(archive, FakeLinks()).listing()  # type: ignore[arg-type]
    assert [voice_id for _, voice_id in choices] == [official, reporter]  # most speech first
    assert "1 recording(s), 2 turn(s)" in choices[0][0]
    section = cards.split(f'id="aa-voice-{official}"')[1].split("</section>")[0]
    assert "<audio" in section and "Two extra ferries will run every hour" in section
    assert "Will the ferries run" not in section  # the other voice's words are not its sample


def test_naming_a_voice_proposes_people_and_refuses_unknown_voices(interview) -> None:  # type: ignore[no-untyped-def]
    archive, _, official = interview
    handler = VoicesHandler(archive, FakeLinks())  # type: ignore[arg-type]
    message = handler.name(official, "Paul Okafor")
    assert message.startswith(f"Voice {official} (Paul Okafor): 1 `people` proposal(s)")
    (proposal,) = archive.catalog.proposals()
    assert (
        proposal["value"] == ["Paul Okafor"] and proposal["provenance"]["method"] == "voice-match"
    )
    with pytest.raises(gr.Error, match="Pick a voice"):
        handler.name(None, "Paul Okafor")
    with pytest.raises(gr.Error, match="No voice '99'"):
        handler.name(99, "Nobody")


@pytest.mark.parametrize(
    ("people", "shown"),
    [
        (None, "Paul Okafor"),  # nothing on record: the voice match names him
        (["paul okafor", "Anna Lind"], "Paul Okafor"),  # the record agrees
        (["Elena Varga"], None),  # the record gives these words to someone else
    ],
)
def test_a_voices_name_reaches_a_recording_unless_its_record_names_others(
    interview: tuple[Archive, int, int], people: list[str] | None, shown: str | None
) -> None:
    archive, _, official = interview
    asset_id = "v" * 16
    store = VoiceStore(archive.catalog)
    store.set_name(official, "Paul Okafor", "user")
    if people is not None:
        archive.catalog.set_metadata(
            asset_id, [MetadataValue(field="people", value=people, source="sidecar")]
        )
    label = store.labels([asset_id])[(asset_id, "S2")]
    assert label == (f"Voice {official} ({shown})" if shown else f"Voice {official}")
    # The Voices tab shows the voice itself, whatever the record says.
    named = store.labels([asset_id], check_record=False)[(asset_id, "S2")]
    assert named == f"Voice {official} (Paul Okafor)"
