"""A multilingual archive on real models (default profile: Whisper base, the default text
encoder): espeak-ng French, German and Spanish speech in video and audio, documents in
those languages. Languages are stored per segment and asset, an English question finds
the French, German and Spanish evidence and the reverse, the language filter selects,
and the archive's languages fix a spoken French question Whisper alone mishears."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.ingest.pipeline import ingest_folder
from assistant.retrieval.engine import SearchEngine, search_engine
from assistant.retrieval.query_media import transcribe_query_audio
from assistant.schemas import Filters, SearchQuery
from samples import media as samples

pytestmark = pytest.mark.slow

FR = [
    (1.0, "Le conseil municipal a voté la construction d'un nouveau pont au-dessus du fleuve."),
    (9.0, "L'hôpital régional va recruter cent infirmières supplémentaires cet hiver."),
]
DE = [(1.0, "Starker Schneefall hat die Autobahn in den Alpen gesperrt.")]
ES = [(1.0, "Los pescadores protestan contra las nuevas cuotas de pesca en el puerto.")]
DOCS = {
    "docs/abeilles.md": "Les apiculteurs de la région ont perdu la moitié de leurs ruches "
    "cette année à cause des pesticides utilisés dans les champs.",
    "docs/bahn.txt": "Die Deutsche Bahn erhöht im Dezember die Preise für Fahrkarten um "
    "sechs Prozent, obwohl viele Züge verspätet sind.",
    "docs/volcan.md": "El volcán de La Palma entró en erupción durante la noche y la lava "
    "destruyó cien casas.",
    "docs/library.txt": "The city library will stay open until midnight on weekdays, and "
    "students may borrow laptops for free.",
}
LANGUAGES = ["en", "fr", "de", "es"]


@dataclass
class Built:
    archive: Archive
    engine: SearchEngine
    question: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("multilingual")
    root = base / "archive"
    (root / "docs").mkdir(parents=True)
    samples.video_with_speech(
        samples.debian_video("vtest.avi"), FR, root / "conseil.mp4", duration_s=16.0, voice="fr-fr"
    )
    samples.audio_with_speech(DE, root / "morgen.mp3", duration_s=8.0, voice="de")
    samples.audio_with_speech(ES, root / "boletin.wav", duration_s=8.0, voice="es")
    for rel, text in DOCS.items():
        (root / rel).write_text(text + "\n")
    question, _ = samples.audio_with_speech(
        [(0.3, "L'hôpital va embaucher des infirmières pour l'hiver.")],
        base / "question.wav",
        voice="fr-fr+f3",
    )
    settings = load_settings("default", data_dir=base / "data")
    settings = settings.model_copy(
        update={"asr": settings.asr.model_copy(update={"languages": LANGUAGES})}
    )
    archive = Archive.open(settings, model_overrides={"clip": None})
    ingest_folder(archive, root)
    return Built(archive, search_engine(archive), question)


def _asset(built: Built, rel: str) -> str:
    return next(a.asset_id for a in built.archive.catalog.assets() if a.rel_path == rel)


def test_every_speech_and_text_segment_knows_its_language(built: Built) -> None:
    expected = {
        "conseil.mp4": "fr",
        "morgen.mp3": "de",
        "boletin.wav": "es",
        "docs/abeilles.md": "fr",
        "docs/bahn.txt": "de",
        "docs/volcan.md": "es",
        "docs/library.txt": "en",
    }
    catalog = built.archive.catalog
    for rel, code in expected.items():
        asset_id = _asset(built, rel)
        segments = catalog.segments(asset_id)
        # Pictures, translations, object labels and sound tags are not the asset's own words.
        own = [s for s in segments if s.kind not in ("visual", "translation", "label", "sound")]
        assert {s.language for s in own} == {code}, rel
        assert catalog.effective_metadata(asset_id)["language"].value == [code], rel
        # the default profile renders non-English speech in English beside the original
        translations = [s for s in segments if s.kind == "translation"]
        if rel.endswith((".mp4", ".mp3", ".wav")):
            assert translations and {s.language for s in translations} == {"en"}, rel


@pytest.mark.parametrize(
    ("question", "file"),
    [
        ("new bridge over the river approved by the city council", "conseil.mp4"),
        ("heavy snow closed the motorway in the Alps", "morgen.mp3"),
        ("fishermen protest against new fishing quotas", "boletin.wav"),
        ("beekeepers lost their hives because of pesticides", "docs/abeilles.md"),
        ("railway ticket prices go up in December", "docs/bahn.txt"),
        ("la biblioteca abrirá hasta medianoche", "docs/library.txt"),
        ("éruption du volcan, maisons détruites", "docs/volcan.md"),
    ],
)
def test_a_question_finds_evidence_in_another_language(
    built: Built, question: str, file: str
) -> None:
    clips = built.engine.search(SearchQuery(text=question, k=5))
    # recall@5, the measure issue #14 sets (espeak French through Whisper base is rough)
    assert file in [clip.file for clip in clips[:5]], [c.file for c in clips]


def test_french_speech_is_cited_with_its_language(built: Built) -> None:
    clip = built.engine.search(SearchQuery(text="hospital hiring nurses this winter", k=3))[0]
    assert clip.file == "conseil.mp4" and clip.language == "fr"
    assert clip.start_s is not None and clip.end_s is not None


def test_the_language_filter_keeps_only_that_language(built: Built) -> None:
    clips = built.engine.search(
        SearchQuery(text="prices", k=10, filters=Filters.parse({"language": "de"}))
    )
    assert clips and {c.file for c in clips} <= {"morgen.mp3", "docs/bahn.txt"}


def test_archive_languages_constrain_what_whisper_hears(built: Built) -> None:
    # Alone, Whisper base hears this espeak-ng French question as Polish (measured); with
    # the archive's languages it transcribes in the best-ranked allowed one.
    asr = built.archive.models.asr()
    ranked = asr.language_probabilities(built.question)
    heard = transcribe_query_audio(built.question, asr, LANGUAGES)
    assert heard.language in LANGUAGES
    assert heard.language == next(code for code, _ in ranked if code in LANGUAGES)
