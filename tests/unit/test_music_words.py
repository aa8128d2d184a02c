"""Music described in words becomes tempo/mode/key filters, in search and for the agent."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.archive import Archive
from assistant.retrieval.engine import search_engine
from assistant.retrieval.music_words import music_filters, with_music_filters
from assistant.schemas import Filters, MetadataValue, SearchQuery
from tests.helpers.builders import asset_row
from tests.helpers.search_archive import open_archive


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("slow music in a minor key", {"tempo_max": 90.0, "mode": "minor"}),
        (
            "an upbeat major track around 130 BPM",
            {"tempo_min": 120.9, "tempo_max": 139.1, "mode": "major"},
        ),
        ("something calm under 90 BPM", {"tempo_max": 90.0}),
        ("songs between 100 and 120 bpm", {"tempo_min": 100.0, "tempo_max": 120.0}),
        ("a jingle in B flat minor", {"key": "A# minor", "mode": "minor"}),
        (
            "tracks in F# major over 140 bpm",
            {"key": "F# major", "mode": "major", "tempo_min": 140.0},
        ),
        ("calm, relaxing piano music", {"tempo_max": 100.0}),
    ],
)
def test_music_words_become_filters(text: str, expected: dict) -> None:
    assert music_filters(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a minor incident in the city centre",
        "a major storm hit the coast",
        "the key issue of minor crimes",
        "fast cars on the race track",
        "slow progress on the budget talks",
    ],
)
def test_words_that_are_not_about_music_add_nothing(text: str) -> None:
    assert music_filters(text) == {}


def test_explicit_filters_win_over_words() -> None:
    given = Filters.parse({"tempo_min": 60, "kind": "audio"})
    merged = with_music_filters("slow music in a major key", given)
    assert merged.tempo_min == 60 and merged.tempo_max is None  # the user's tempo stands
    assert merged.mode == "major" and merged.kind == ["audio"]


def _music(archive: Archive, root: Path, asset_id: str, name: str, key: str, tempo: float) -> None:
    archive.catalog.put_asset(asset_row(root, name, "audio", asset_id, is_music=True))
    archive.catalog.set_metadata(
        asset_id,
        [
            MetadataValue(field="key", value=key, source="analysis"),
            MetadataValue(field="mode", value=key.split()[1], source="analysis"),
            MetadataValue(field="tempo", value=tempo, source="analysis"),
        ],
    )


def test_search_reads_music_words_as_filters(tmp_path: Path) -> None:
    archive = open_archive(tmp_path / "data")
    media = tmp_path / "media"
    _music(archive, media, "c1000000000000m1", "lament.flac", "A minor", 72.0)
    _music(archive, media, "c2000000000000m2", "march.mp3", "C major", 131.0)
    _music(archive, media, "c3000000000000m3", "waltz.ogg", "D minor", 140.0)
    engine = search_engine(archive)

    slow = engine.run(SearchQuery(text="slow music in a minor key"))
    assert [c.file for c in slow.clips] == ["lament.flac"]
    assert any("tempo_max=90" in n and "mode=minor" in n for n in slow.notices)
    upbeat = engine.run(SearchQuery(text="an upbeat major track around 130 BPM"))
    assert [c.file for c in upbeat.clips] == ["march.mp3"]
    calm = engine.run(SearchQuery(text="something calm under 90 BPM"))
    assert [c.file for c in calm.clips] == ["lament.flac"]
