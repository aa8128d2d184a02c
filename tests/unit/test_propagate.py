"""Metadata propagation, speech entities and proposal review on a catalogue filled
directly (real Debian photos, their real perceptual hashes and thumbnails; transcripts
written here). No text model: passages match through the keyword index."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from assistant.archive import Archive
from assistant.enrich import review
from assistant.enrich.entities import entity_values, people_in, places_in
from assistant.enrich.propagate import pending_proposals, propose_all, propose_for_asset
from assistant.errors import AssistantError
from assistant.media.images import phash_hex, save_thumbnail
from assistant.schemas import MetadataValue, Segment
from samples.media import debian_photo
from tests.helpers.builders import asset_row

SPEECH = (
    "Commissioner Maria Lopez said in Brussels that energy prices will rise again "
    "this winter and that households must prepare for higher heating bills."
)


def _sidecar(field: str, value: object) -> MetadataValue:
    return MetadataValue(field=field, value=value, source="sidecar")  # type: ignore[arg-type]


def _add_photo(
    archive: Archive,
    asset_id: str,
    picture: Image.Image,
    folder: Path,
    name: str,
    metadata: list[MetadataValue] | None = None,
) -> None:
    path = folder / name
    picture.save(path)
    archive.catalog.put_asset(
        asset_row(folder, name, "image", asset_id, width=picture.width, height=picture.height)
    )
    thumb = save_thumbnail(picture, archive.settings.thumbnails_dir / asset_id / "0.jpg", 320)
    archive.catalog.replace_segments(
        asset_id,
        [
            Segment.of(
                asset_id,
                "visual",
                0,
                thumbnail=str(thumb),
                phash=phash_hex(picture),
                embedded=False,
            )
        ],
    )
    archive.catalog.set_metadata(asset_id, metadata or [])


def _add_speech(
    archive: Archive,
    asset_id: str,
    name: str,
    lines: list[str],
    metadata: list[MetadataValue] | None = None,
) -> None:
    archive.catalog.put_asset(
        asset_row("/media", name, "video", asset_id, duration_s=6.0 * len(lines))
    )
    archive.catalog.replace_segments(
        asset_id,
        [
            Segment.of(asset_id, "speech", i, start_s=6.0 * i, end_s=6.0 * i + 5.5, text=line)
            for i, line in enumerate(lines)
        ],
    )
    archive.catalog.set_metadata(asset_id, metadata or [])


ORIGINAL, COPY, CROP, OTHER, BRIEFING, RERUN, UNRELATED = (f"{n:x}" * 16 for n in range(1, 8))


@pytest.fixture
def archive(test_settings, tmp_path: Path):
    opened = Archive.open(test_settings, model_overrides={"text": None})
    media = tmp_path / "media"
    media.mkdir()
    photo = Image.open(debian_photo("messi5.jpg")).convert("RGB")
    width, height = photo.size
    _add_photo(
        opened,
        ORIGINAL,
        photo,
        media,
        "original.jpg",
        [
            _sidecar("place", "Camp Nou, Barcelona"),
            _sidecar("date", "2011-05-02"),
            _sidecar("people", ["Lionel Messi"]),
        ],
    )
    _add_photo(opened, COPY, photo.resize((width // 2, height // 2)), media, "copy.jpg")
    _add_photo(
        opened,
        CROP,
        photo.crop((int(width * 0.1), int(height * 0.1), int(width * 0.85), int(height * 0.9))),
        media,
        "crop.jpg",
    )
    _add_photo(
        opened, OTHER, Image.open(debian_photo("fruits.jpg")).convert("RGB"), media, "fruits.jpg"
    )
    _add_speech(
        opened,
        BRIEFING,
        "briefing.mp4",
        [SPEECH, "The council will vote on the harbour budget next week."],
        [
            _sidecar("place", "Brussels"),
            _sidecar("date", "2019-11-05"),
            _sidecar("topics", ["energy prices", "harbour budget"]),
        ],
    )
    _add_speech(
        opened,
        RERUN,
        "evening-news.mp4",
        ["Good evening.", SPEECH.replace("Commissioner Maria Lopez said", "she said")],
    )
    _add_speech(
        opened,
        UNRELATED,
        "weather.mp4",
        ["Tomorrow will be sunny in the north with light winds from the west coast."],
    )
    yield opened
    opened.close()


def _by_field(values: list[MetadataValue]) -> dict[str, MetadataValue]:
    best: dict[str, MetadataValue] = {}
    for value in values:  # best first
        best.setdefault(value.field, value)
    return best


def test_resized_copy_gets_place_and_date_with_provenance(archive: Archive) -> None:
    proposed = _by_field(propose_for_asset(archive, COPY))
    assert proposed["place"].value == "Camp Nou, Barcelona"
    assert proposed["date"].value == "2011-05-02"
    provenance = proposed["place"].provenance
    assert provenance is not None
    assert provenance.source_assets == [ORIGINAL]
    assert provenance.method == "near-duplicate" and provenance.similarity is not None
    assert proposed["place"].confidence >= 0.9
    assert all(v.source == "propagated" for v in proposed.values())


def test_crop_gets_place_and_date_with_less_confidence(archive: Archive) -> None:
    proposed = _by_field(propose_for_asset(archive, CROP))
    assert proposed["place"].value == "Camp Nou, Barcelona"
    assert proposed["date"].value == "2011-05-02"
    assert proposed["date"].provenance and proposed["date"].provenance.method == "crop"
    assert 0.4 < proposed["date"].confidence < 0.9


def test_unrelated_photo_gets_nothing(archive: Archive) -> None:
    assert propose_for_asset(archive, OTHER) == []


def test_same_speech_elsewhere_passes_place_and_topics(archive: Archive) -> None:
    proposed = propose_for_asset(archive, RERUN)
    passage = [v for v in proposed if v.provenance and v.provenance.method == "shared-passage"]
    fields = {v.field: v.value for v in passage}
    assert fields["place"] == "Brussels"
    assert fields["topics"] == ["energy prices", "harbour budget"]
    assert all(v.provenance and v.provenance.source_assets == [BRIEFING] for v in passage)
    heard = [v for v in proposed if v.provenance and v.provenance.method == "speech-topics"]
    assert ["energy prices"] in [v.value for v in heard]
    # The weather report shares only common words, no passage, with the briefing.
    unrelated = propose_for_asset(archive, UNRELATED)
    assert not [v for v in unrelated if v.provenance and v.provenance.method == "shared-passage"]


def test_curated_fields_are_not_proposed(archive: Archive) -> None:
    proposed = propose_for_asset(archive, ORIGINAL)
    assert not {"place", "date", "people"} & {v.field for v in proposed}


def test_apply_above_accepts_only_confident_proposals(archive: Archive) -> None:
    proposals = propose_all(archive)
    assert {p.rel_path for p in proposals} >= {"copy.jpg", "crop.jpg", "evening-news.mp4"}
    accepted = review.apply_above(archive.catalog, 0.9)
    assert accepted and all(p.confidence >= 0.9 for p in accepted)
    copy = archive.catalog.effective_metadata(COPY)
    assert copy["place"].value == "Camp Nou, Barcelona" and copy["place"].source == "propagated"
    assert "place" not in archive.catalog.effective_metadata(CROP)
    assert all(p.confidence < 0.9 for p in pending_proposals(archive.catalog))


def test_accept_never_hides_a_curated_value(archive: Archive) -> None:
    archive.catalog.add_proposal(
        ORIGINAL, MetadataValue(field="place", value="Madrid", source="propagated", confidence=0.99)
    )
    proposal = next(p for p in pending_proposals(archive.catalog) if p.asset_id == ORIGINAL)
    review.accept(archive.catalog, proposal.proposal_id)
    effective = archive.catalog.effective_metadata(ORIGINAL)["place"]
    assert (effective.value, effective.source) == ("Camp Nou, Barcelona", "sidecar")
    with pytest.raises(AssistantError, match="already accepted"):
        review.accept(archive.catalog, proposal.proposal_id)


def test_accepting_people_one_by_one_gathers_them_and_reject_sticks(archive: Archive) -> None:
    for name in ("Maria Lopez", "Jan Jansen", "Noor Bakker"):
        archive.catalog.add_proposal(
            RERUN, MetadataValue(field="people", value=[name], source="asr", confidence=0.6)
        )
    by_name = {
        p.value[0]: p.proposal_id for p in pending_proposals(archive.catalog) if p.field == "people"
    }
    review.accept(archive.catalog, by_name["Maria Lopez"])
    review.accept(archive.catalog, by_name["Jan Jansen"])
    review.reject(archive.catalog, by_name["Noor Bakker"])
    people = archive.catalog.effective_metadata(RERUN)["people"]
    assert people.value == ["Maria Lopez", "Jan Jansen"]
    assert people.source == "propagated"  # add_proposal kept method "unknown": not heard
    assert by_name["Noor Bakker"] not in {p.proposal_id for p in pending_proposals(archive.catalog)}
    with pytest.raises(AssistantError, match="No proposal"):
        review.reject(archive.catalog, 99_999)


def test_people_and_places_named_in_speech() -> None:
    text = (
        "Commissioner Maria Lopez said in Brussels that prices will rise. Mayor Jansen, "
        "speaking at Port Talbot on Monday, agreed with the Commissioner. In January "
        "Maria Lopez met Dr. Ahmed Khan in New York, then flew back to Brussels."
    )
    assert people_in(text) == {"Maria Lopez": 1, "Jansen": 1, "Ahmed Khan": 1}
    places = places_in(text, {"Maria Lopez", "Jansen", "Ahmed Khan"})
    assert places == {"Brussels": 1, "Port Talbot": 1, "New York": 1}
    values = entity_values(text)
    assert {v.field for v in values} == {"people", "place"}
    assert all(v.source == "asr" and v.confidence < 0.9 for v in values)
    assert people_in("the minister said nothing in particular today") == {}
