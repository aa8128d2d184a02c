"""Voice as a query signal, scored: speech by a voice near the upload's main voice gets a
`voice_example` hit weighted below a words match; other voices and silent clips get none."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.archive import Archive
from assistant.retrieval import voice_example
from assistant.retrieval.voice_example import VOICE_WEIGHT, voice_example_hits
from assistant.store.lookup import SegmentLookup
from tests.helpers.builders import asset_row, spoken_turns


class NearestVoices:
    """The "speaker" space answering every query with fixed neighbours."""

    def __init__(self, found: list[tuple[str, float]]) -> None:
        self.found = found

    def count(self, space: str) -> int:
        return len(self.found)

    def query(self, space, vector, k, asset_ids=None):  # type: ignore[no-untyped-def]
        return [(i, c) for i, c in self.found if asset_ids is None or i.split(":")[0] in asset_ids]


@pytest.fixture
def lookup(test_settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    archive = Archive.open(test_settings)
    asset = asset_row(tmp_path, "two.wav", "audio", "v" * 16, status="indexed")
    archive.catalog.put_asset(asset)
    lines = [("S1", "Will the ferries run?"), ("S2", "Yes, every hour."), ("S2", "From six.")]
    archive.catalog.replace_segments(asset.asset_id, spoken_turns(asset.asset_id, lines, 3.0, 2.0))
    yield SegmentLookup(archive.catalog)
    archive.close()


def test_the_same_voice_marks_its_speech_below_a_words_match(lookup, monkeypatch) -> None:
    monkeypatch.setattr(voice_example, "main_voice", lambda samples, encoder: np.ones(4))
    vectors = NearestVoices([("v" * 16 + ":speaker:S2", 0.93), ("v" * 16 + ":speaker:S1", 0.6)])
    hits = voice_example_hits(lookup, vectors, object(), np.ones(16), 10, None)  # type: ignore[arg-type]
    assert [h.text for h in hits] == ["Yes, every hour.", "From six."]  # S1's voice is another
    assert all(h.signal == "voice_example" and h.score == VOICE_WEIGHT for h in hits)
    assert "same voice 0.93" in hits[0].detail
    assert voice_example_hits(lookup, vectors, object(), np.ones(16), 10, set()) == []  # type: ignore[arg-type]


def test_a_clip_without_a_voice_adds_nothing(lookup, monkeypatch) -> None:
    monkeypatch.setattr(voice_example, "main_voice", lambda samples, encoder: None)
    vectors = NearestVoices([("v" * 16 + ":speaker:S2", 0.93)])
    assert voice_example_hits(lookup, vectors, object(), np.zeros(16), 10, None) == []  # type: ignore[arg-type]
    assert voice_example_hits(lookup, vectors, None, np.ones(16), 10, None) == []


def test_audio_queries_ask_the_catalog_whether_any_speaker_is_stored(
    test_settings, tmp_path: Path
) -> None:
    from assistant.store.voices import AssetSpeaker, VoiceStore, speaker_key, speaker_vector_id

    with Archive.open(test_settings) as archive:
        asset = asset_row(tmp_path, "two.wav", "audio", "w" * 16, status="indexed")
        archive.catalog.put_asset(asset)
        store = VoiceStore(archive.catalog)
        assert not store.has_speakers()  # the voice encoder is then never loaded
        voice = store.new_voice()
        speaker = AssetSpeaker(asset.asset_id, "S1", voice, 4.0, 1.0, np.ones(4))
        store.replace_asset(asset.asset_id, [], [speaker])
        assert store.has_speakers()
    assert speaker_key(speaker_vector_id("w" * 16, "S1")) == ("w" * 16, "S1")
