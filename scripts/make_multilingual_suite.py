"""Build eval/suites/multilingual/: a newsroom archive in four languages and cross-lingual
cases (ask in one language, find what was said or written in another).

    .venv/bin/python scripts/make_multilingual_suite.py [--suite eval/suites/multilingual]

What is in it:
- video/ and radio/: espeak-ng French, German, Spanish and English news lines in video
  (opencv-doc footage) and audio (mp3, m4a, wav over faint noise); the gold times are
  where each line was actually placed.
- docs/: articles in French, German, Spanish, Italian and English (md, txt, html, pdf).
- queries/: a French spoken question clip and a noisy re-recorded English excerpt
  (the clip Whisper once heard as Welsh).
Cases are tagged with their language pair (`en>fr`: an English question, French
evidence), `speech` / `doc`, and `language-filter` for the `language` filter.
The archive and queries are generated (about 30 s), not committed; cases.jsonl and
suite.yaml are, and rewriting them shows any drift in `git diff`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo: samples/ is not installed

from samples import media as samples
from samples.suites import SUITE_LAYOUT, SuiteBuilder, case_row

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SUITE = REPO / "eval" / "suites" / "multilingual"
VOICES = {"fr": "fr-fr", "de": "de", "es": "es", "en": "en-us", "it": "it"}

# file -> (language, media kind, {line key: (offset s, text)})
SPEECH: dict[str, tuple[str, str, dict[str, tuple[float, str]]]] = {
    "video/conseil_municipal.mp4": (
        "fr",
        "video",
        {
            "fr.bridge": (
                1.0,
                "Le conseil municipal a voté la construction d'un nouveau pont "
                "au-dessus du fleuve.",
            ),
            "fr.nurses": (
                9.0,
                "L'hôpital régional va recruter cent infirmières supplémentaires cet hiver.",
            ),
        },
    ),
    "radio/journal_du_matin.mp3": (
        "fr",
        "audio",
        {
            "fr.wine": (
                1.0,
                "Les vignerons de Bourgogne craignent une mauvaise récolte à cause de la grêle.",
            ),
            "fr.flights": (
                9.0,
                "La grève des contrôleurs aériens a annulé la moitié des vols à Paris.",
            ),
        },
    ),
    "video/stadtnachrichten.mp4": (
        "de",
        "video",
        {
            "de.solar": (1.0, "Die Stadt baut einen großen Solarpark auf dem alten Flughafen."),
            "de.teachers": (8.0, "Viele Schulen haben zu wenige Lehrer für Mathematik."),
        },
    ),
    "radio/morgenmagazin.m4a": (
        "de",
        "audio",
        {
            "de.coach": (
                1.0,
                "Der Fußballverein hat seinen Trainer nach fünf Niederlagen entlassen.",
            ),
            "de.snow": (8.0, "Starker Schneefall hat die Autobahn in den Alpen gesperrt."),
        },
    ),
    "video/noticias_regionales.mp4": (
        "es",
        "video",
        {
            "es.drought": (
                1.0,
                "La sequía obliga a los agricultores de Andalucía a reducir el riego.",
            ),
            "es.museum": (8.0, "El museo de arte moderno abrirá gratis todos los domingos."),
        },
    ),
    "radio/boletin.wav": (
        "es",
        "audio",
        {
            "es.rent": (1.0, "Los precios del alquiler en Madrid han subido un veinte por ciento."),
            "es.fishers": (
                8.0,
                "Los pescadores protestan contra las nuevas cuotas de pesca en el puerto.",
            ),
        },
    ),
    "video/evening_report.mp4": (
        "en",
        "video",
        {
            "en.election": (1.0, "The prime minister called an early election for the spring."),
            "en.factory": (
                7.0,
                "The car factory will close next year and two thousand workers "
                "will lose their jobs.",
            ),
        },
    ),
    "radio/health_bulletin.mp3": (
        "en",
        "audio",
        {
            "en.vaccine": (
                1.0,
                "Health officials launched a new vaccination campaign for children.",
            ),
            "en.storm": (8.0, "A strong storm knocked down power lines along the coast."),
        },
    ),
}
VIDEO_SOURCES = {
    "video/conseil_municipal.mp4": "vtest.avi",
    "video/stadtnachrichten.mp4": "tree.avi",
    "video/noticias_regionales.mp4": "Megamind.avi",
    "video/evening_report.mp4": "vtest.avi",
}

DOCS: dict[str, tuple[str, str]] = {
    "docs/abeilles.md": (
        "fr",
        "# Les abeilles disparaissent\n\nLes apiculteurs de la région "
        "ont perdu la moitié de leurs ruches cette année. Selon eux, les "
        "pesticides utilisés dans les champs de colza empoisonnent les "
        "abeilles. Le ministère de l'agriculture promet une étude.\n",
    ),
    "docs/bahnpreise.txt": (
        "de",
        "Die Deutsche Bahn erhöht im Dezember die Preise für "
        "Fahrkarten um sechs Prozent. Pendler und Verbraucherverbände "
        "kritisieren die Erhöhung, weil viele Züge verspätet sind.\n",
    ),
    "docs/volcan.html": (
        "es",
        "<html><body><h1>Erupción en La Palma</h1><p>El volcán de "
        "La Palma entró en erupción durante la noche. La lava destruyó "
        "cien casas y miles de vecinos fueron evacuados a otros pueblos de "
        "la isla.</p></body></html>\n",
    ),
    "docs/turismo.md": (
        "it",
        "# Nuova legge sul turismo\n\nIl governo ha approvato una "
        "nuova legge che limita gli affitti brevi per i turisti nei centri "
        "storici di Venezia e Firenze.\n",
    ),
    "docs/library_hours.txt": (
        "en",
        "The city library will stay open until midnight on "
        "weekdays from January, and students may borrow laptops for "
        "free.\n",
    ),
}
PDF_DOC = (
    "docs/rapport_pollution.pdf",
    "fr",
    [
        [
            "Rapport sur la pollution de l'air",
            "La pollution de l'air dans la capitale a",
            "atteint un niveau record ce mois-ci. La mairie limite la",
            "circulation des voitures diesel pendant les pics.",
        ]
    ],
)


class Builder(SuiteBuilder):
    def archive_media(self) -> None:
        for rel, (language, kind, lines) in SPEECH.items():
            out = self.archive / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            voice = VOICES[language]
            if kind == "video":
                _, spans = samples.video_with_speech(
                    samples.debian_video(VIDEO_SOURCES[rel]),
                    list(lines.values()),
                    out,
                    duration_s=16.0,
                    voice=voice,
                )
            else:
                _, spans = samples.audio_with_speech(
                    list(lines.values()), out, duration_s=16.0, voice=voice
                )
            self.place(rel, lines, spans)
        for rel, (_, text) in DOCS.items():
            (self.archive / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.archive / rel).write_text(text)
        samples.write_pdf(self.archive / PDF_DOC[0], PDF_DOC[2])

    def query_media(self) -> None:
        # A French question, spoken: "the regional hospital hires nurses".
        samples.audio_with_speech(
            [(0.3, "L'hôpital va embaucher des infirmières pour l'hiver.")],
            self.queries / "question_infirmieres.wav",
            voice="fr-fr+f3",
        )
        # The English storm line re-recorded badly: quieter, band-limited, under noise.
        span = self.spoken["en.storm"]
        source = self.archive / self.files["en.storm"]
        _noisy_excerpt(
            source, span.start_s - 0.3, span.end_s + 0.3, self.queries / "noisy_storm.wav"
        )


def _noisy_excerpt(media: Path, start_s: float, end_s: float, out: Path) -> None:
    import soundfile

    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "cut.wav"
        samples.excerpt_16k(
            media, start_s, end_s, wav, "highpass=f=300", "lowpass=f=3000", "volume=0.5"
        )
        samples_16k, rate = soundfile.read(str(wav), dtype="float32")
    rng = np.random.default_rng(11)
    noisy = samples_16k + rng.normal(0, 0.02, len(samples_16k)).astype(np.float32)
    soundfile.write(str(out), np.clip(noisy, -1, 1), rate, subtype="PCM_16")


# --- cases ------------------------------------------------------------------------------


def cases(built: Builder) -> list[dict[str, Any]]:
    def said(key: str) -> dict[str, Any]:
        return built.said(key, transcript=True)

    def case(
        id_: str, question: str, relevant: list[dict[str, Any]], pair: str, kind: str, **extra: Any
    ) -> dict[str, Any]:
        crossing = "cross-lingual" if pair[:2] != pair[3:] else "same-language"
        return case_row(id_, "search", question, relevant, [crossing, pair, kind], **extra)

    doc = {"file": ""}  # filled per case
    return [
        # English questions, French / German / Spanish speech
        case(
            "en-fr-01",
            "new bridge over the river approved by the city council",
            [said("fr.bridge")],
            "en>fr",
            "speech",
        ),
        case(
            "en-fr-02",
            "hospital hiring more nurses this winter",
            [said("fr.nurses")],
            "en>fr",
            "speech",
        ),
        case(
            "en-fr-03",
            "hail threatens the grape harvest in Burgundy",
            [said("fr.wine")],
            "en>fr",
            "speech",
        ),
        case(
            "en-fr-04",
            "air traffic controllers strike cancels flights",
            [said("fr.flights")],
            "en>fr",
            "speech",
        ),
        case(
            "en-de-01", "solar park built on the old airport", [said("de.solar")], "en>de", "speech"
        ),
        case("en-de-02", "schools lack maths teachers", [said("de.teachers")], "en>de", "speech"),
        case(
            "en-de-03",
            "football club fired its coach after five defeats",
            [said("de.coach")],
            "en>de",
            "speech",
        ),
        case(
            "en-de-04",
            "heavy snow closed the motorway in the Alps",
            [said("de.snow")],
            "en>de",
            "speech",
        ),
        case(
            "en-es-01",
            "drought forces farmers to cut irrigation",
            [said("es.drought")],
            "en>es",
            "speech",
        ),
        case(
            "en-es-02", "modern art museum free on Sundays", [said("es.museum")], "en>es", "speech"
        ),
        case(
            "en-es-03", "rents in Madrid rose twenty percent", [said("es.rent")], "en>es", "speech"
        ),
        case(
            "en-es-04",
            "fishermen protest against new fishing quotas",
            [said("es.fishers")],
            "en>es",
            "speech",
        ),
        # English questions, documents in French, German, Spanish, Italian
        case(
            "en-fr-doc-01",
            "beekeepers lost their hives because of pesticides",
            [{**doc, "file": "docs/abeilles.md"}],
            "en>fr",
            "doc",
        ),
        case(
            "en-fr-doc-02",
            "record air pollution, diesel cars restricted",
            [{**doc, "file": PDF_DOC[0]}],
            "en>fr",
            "doc",
        ),
        case(
            "en-de-doc-01",
            "railway ticket prices go up in December",
            [{**doc, "file": "docs/bahnpreise.txt"}],
            "en>de",
            "doc",
        ),
        case(
            "en-es-doc-01",
            "volcano eruption destroyed houses on the island",
            [{**doc, "file": "docs/volcan.html"}],
            "en>es",
            "doc",
        ),
        case(
            "en-it-doc-01",
            "law limits short-term rentals for tourists in Venice",
            [{**doc, "file": "docs/turismo.md"}],
            "en>it",
            "doc",
        ),
        # French / German / Spanish questions, English speech and documents
        case(
            "fr-en-01",
            "le premier ministre annonce des élections anticipées",
            [said("en.election")],
            "fr>en",
            "speech",
        ),
        case(
            "fr-en-02",
            "une tempête a abattu des lignes électriques sur la côte",
            [said("en.storm")],
            "fr>en",
            "speech",
        ),
        case(
            "de-en-01",
            "die Autofabrik schließt und Arbeiter verlieren ihre Arbeit",
            [said("en.factory")],
            "de>en",
            "speech",
        ),
        case("de-en-02", "Impfkampagne für Kinder", [said("en.vaccine")], "de>en", "speech"),
        case(
            "es-en-01",
            "la biblioteca abrirá hasta medianoche",
            [{**doc, "file": "docs/library_hours.txt"}],
            "es>en",
            "doc",
        ),
        case(
            "es-en-02", "campaña de vacunación para niños", [said("en.vaccine")], "es>en", "speech"
        ),
        # between two other languages
        case(
            "fr-de-01",
            "la neige a fermé l'autoroute dans les Alpes",
            [said("de.snow")],
            "fr>de",
            "speech",
        ),
        case(
            "de-es-01",
            "Dürre zwingt Bauern in Andalusien zum Sparen beim Bewässern",
            [said("es.drought")],
            "de>es",
            "speech",
        ),
        case(
            "es-fr-01",
            "huelga de controladores aéreos en París",
            [said("fr.flights")],
            "es>fr",
            "speech",
        ),
        case(
            "it-de-01",
            "prezzi dei biglietti del treno aumentano",
            [{**doc, "file": "docs/bahnpreise.txt"}],
            "it>de",
            "doc",
        ),
        # same language, as a control
        case("fr-fr-01", "vignerons et grêle en Bourgogne", [said("fr.wine")], "fr>fr", "speech"),
        case("en-en-01", "storm knocked down power lines", [said("en.storm")], "en>en", "speech"),
        # spoken questions: French asked aloud; a noisy English excerpt
        case(
            "audio-fr-01",
            "",
            [said("fr.nurses")],
            "fr>fr",
            "audio-query",
            query_audio="question_infirmieres.wav",
        ),
        case(
            "audio-en-noisy",
            "",
            [said("en.storm")],
            "en>en",
            "audio-query",
            query_audio="noisy_storm.wav",
        ),
        # the language filter
        case(
            "filter-lang-01",
            "bad weather closed the road",
            [said("de.snow")],
            "en>de",
            "language-filter",
            filters={"language": ["de"]},
        ),
        case(
            "filter-lang-02",
            "strike",
            [said("fr.flights")],
            "en>fr",
            "language-filter",
            filters={"language": ["fr"], "kind": ["audio"]},
        ),
    ]


def write_suite(suite: Path, built: Builder) -> None:
    (suite / "suite.yaml").write_text(
        "name: multilingual\n"
        "description: >-\n"
        "  Cross-lingual search: espeak-ng French, German, Spanish and English speech in\n"
        "  video and radio, documents in five languages, questions asked in another\n"
        "  language than the evidence (tags like en>fr). Built by\n"
        "  scripts/make_multilingual_suite.py.\n"
        f"{SUITE_LAYOUT}"
        "# The languages this newsroom declares (settings.asr.languages): Whisper picks\n"
        "# among them (alone it heard the French video as Thai).\n"
        "settings:\n"
        "  asr: {languages: [en, fr, de, es, it]}\n"
    )
    lines = [json.dumps(item, ensure_ascii=False) for item in cases(built)]
    (suite / "cases.jsonl").write_text("\n".join(lines) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", type=Path, default=DEFAULT_SUITE)
    args = parser.parse_args()
    built = Builder(args.suite)
    built.build()
    write_suite(args.suite, built)
    print(f"built {args.suite} ({len(cases(built))} cases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
