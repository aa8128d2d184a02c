"""Issue 17, attribution: a voice is named from a sidecar only while its files' sidecars
agree (enrich/voices.py). A newsreader's voice heard in bulletins whose sidecars each name
a different minister is no one's; a name a person gave stands."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.archive import Archive
from assistant.diarization.speakers import Diarization, SpeakerTurn
from assistant.enrich.voices import SIDECARS_DISAGREE, store_speakers
from assistant.schemas import Asset
from assistant.store.voices import VoiceStore

# One voice: the same embedding in every file (a newsreader reading each bulletin).
NEWSREADER = np.eye(1, 256, 3, dtype=np.float32)[0]


@pytest.fixture
def archive(test_settings) -> Iterator[Archive]:  # type: ignore[no-untyped-def]
    opened = Archive.open(test_settings)
    yield opened
    opened.close()


def _bulletin(archive: Archive, name: str, people: list[str] | None) -> int:
    """A one-speaker file read by the newsreader, stored as ingest stores it; its voice."""
    asset_id = name.ljust(16, "x")[:16]
    archive.catalog.put_asset(
        Asset(
            asset_id=asset_id,
            path=str(Path("/archive") / name),
            root="/archive",
            rel_path=name,
            kind="audio",
            duration_s=10.0,
            status="pending",
        )
    )
    found = Diarization([SpeakerTurn(0.0, 9.0, "S1")], {"S1": NEWSREADER.copy()}, {"S1": 9.0})
    speakers = store_speakers(archive, asset_id, found, people)
    archive.catalog.set_status(asset_id, "indexed")
    return speakers[0].voice_id


def _naming(store: VoiceStore, voice_id: int) -> tuple[str | None, str | None, str]:
    naming = store.naming(voice_id)
    assert naming is not None
    return naming


def _proposed(archive: Archive) -> set[tuple[str, str]]:
    """The pending `people` proposals, as (asset id, name)."""
    return {
        (p["asset_id"], name)
        for p in archive.catalog.proposals()
        if p["field"] == "people"
        for name in p["value"]
    }


def test_sidecars_naming_different_people_leave_the_voice_unnamed(archive: Archive) -> None:
    store = VoiceStore(archive.catalog)
    first = _bulletin(archive, "harbour.mp3", ["Jonas Berg"])
    assert _naming(store, first)[:2] == ("Jonas Berg", "sidecar")
    assert _bulletin(archive, "strike.mp3", None) == first  # no sidecar: no say
    assert _naming(store, first)[0] == "Jonas Berg"
    assert _proposed(archive) == {("strike.mp3xxxxxx", "Jonas Berg")}
    assert _bulletin(archive, "council.mp3", ["Elena Varga"]) == first
    name, source, note = _naming(store, first)
    assert (name, source) == (None, SIDECARS_DISAGREE)
    assert "Jonas Berg" in note and "Elena Varga" in note
    assert not _proposed(archive)  # what the withdrawn name proposed went with it
    # A later sidecar does not name it again, and its label says only "Voice N".
    _bulletin(archive, "okafor.mp3", ["Paul Okafor"])
    assert _naming(store, first)[0] is None
    labels = store.labels(["strike.mp3".ljust(16, "x")[:16]])
    assert set(labels.values()) == {f"Voice {first}"}


def test_agreeing_sidecars_and_a_persons_name_stand(archive: Archive) -> None:
    store = VoiceStore(archive.catalog)
    voice = _bulletin(archive, "one.mp3", ["Jonas Berg"])
    _bulletin(archive, "two.mp3", ["jonas berg"])
    assert _naming(store, voice)[:2] == ("Jonas Berg", "sidecar")
    store.set_name(voice, "Anna Lind", "user")
    _bulletin(archive, "three.mp3", ["Elena Varga"])
    assert _naming(store, voice)[:2] == ("Anna Lind", "user")
