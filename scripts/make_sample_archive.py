"""Build eval/suites/sample/: a small newsroom archive from real media, its query media, and
the cases.jsonl whose gold times come from where the speech was actually placed.

    .venv/bin/python scripts/make_sample_archive.py [--suite eval/suites/sample] [--force]

Deterministic (same Debian media, espeak-ng and ffmpeg give the same files) and quick
(about 20 s). The archive and queries are generated, not committed; suite.yaml and
cases.jsonl are committed, and rewriting them here shows any drift in `git diff`.

What is in it, and what each part tests:
- video/: street and cut-together videos with espeak-ng news lines muxed in (speech
  search, audio and frame queries against video), dates/places in video/metadata.csv.
- radio/: bulletins in two voices and formats, one with a JSON sidecar, one with none.
- music/: synthesised tracks of known tempo and key (music filters).
- photos/: opencv-doc and MATE photos; JSON sidecars, a metadata.csv, EXIF date and GPS,
  and re-encoded near-duplicates. CLIP weights are not available here, so text->image
  cases rely on sidecar titles/people/topics (tag `metadata`), and image queries on
  perceptual hashes (grabbed frames, near-duplicates, a mild crop).
- docs/: Markdown, PDF, HTML and plain-text documents.
- broken/: files ingest must record as failed without stopping.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from PIL import Image, ImageEnhance

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo: samples/ is not installed

from samples import media as samples
from samples.suites import SuiteBuilder, case_row, suite_main

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SUITE = REPO / "eval" / "suites" / "sample"

# Spoken news lines: key -> (offset in the file, text). Keys are used by the cases below.
COUNCIL = {
    "council.budget": (
        1.0,
        "Good evening. The city council approved a new budget for public transport on Monday.",
    ),
    "council.tickets": (8.0, "Bus tickets will be free for students from September."),
    "council.energy": (14.0, "The mayor said energy prices will stay high through the winter."),
}
FLOOD = {
    "flood.road": (1.0, "Heavy flooding closed the river road near the old stone bridge."),
    "flood.rescue": (9.0, "Rescue teams evacuated forty families from the lower town."),
}
MORNING = {
    "morning.intro": (0.8, "Good morning, this is the regional news bulletin."),
    "morning.wildfire": (
        5.0,
        "A wildfire near the northern forest forced hundreds of families to leave their homes.",
    ),
    "morning.strike": (13.0, "The railway strike ended after three days of talks with the unions."),
    "morning.flu": (20.0, "Doctors warned that the flu season has started early this year."),
}
EVENING = {
    "evening.election": (
        1.0,
        "In the evening news, the green party doubled its seats in the regional election.",
    ),
    "evening.hospitals": (9.0, "The health minister announced funding for three new hospitals."),
}
INTERVIEW = {
    "interview.guest": (0.5, "Our guest today is a marine biologist who studies coral reefs."),
    "interview.reefs": (6.5, "She says warmer oceans have bleached half of the reefs she visited."),
}
MUSIC: dict[str, dict[str, Any]] = {
    "music/theme_a_minor.flac": {"bpm": 120.0, "key": "A", "mode": "minor", "seconds": 12.0},
    "music/jingle_c_major.mp3": {"bpm": 90.0, "key": "C", "mode": "major", "seconds": 10.0},
    "music/sting_e_minor.wav": {"bpm": 150.0, "key": "E", "mode": "minor", "seconds": 8.0},
}
COUNCIL_MEMO = """Memo to the transport committee

The council allocates fourteen million euros to public transport next year. Free bus
tickets for students start in September. Rising energy costs for the tram network remain
the largest risk to the budget; the finance office expects them to stay high all winter.
"""
BULLETIN_HTML = (
    "<html><head><title>Rail bulletin</title><style>p {color: red}</style></head><body>"
    "<h1>Rail bulletin</h1><p>The <b>railway strike</b> ended after three days. Trains run "
    "normally again from Thursday.</p><script>var hidden = 'do not index';</script>"
    "</body></html>"
)


class Builder(SuiteBuilder):
    def build(self) -> None:
        self.fresh_folders()
        self.videos()
        self.radio()
        self.music()
        self.photos()
        self.documents()
        self.broken()
        self.query_media()

    def videos(self) -> None:
        folder = self.subfolder("video")
        _, spans = samples.video_with_speech(
            samples.debian_video("vtest.avi"),
            list(COUNCIL.values()),
            folder / "council_briefing.mp4",
            duration_s=22.0,
            tags={"title": "Council briefing", "creation_time": "2021-03-15T18:00:00Z"},
        )
        self.place("video/council_briefing.mp4", COUNCIL, spans)
        _, spans = samples.video_with_speech(
            [(samples.debian_video("tree.avi"), 8.0), (samples.debian_video("Megamind.avi"), 8.0)],
            list(FLOOD.values()),
            folder / "flood_report.mp4",
        )
        self.place("video/flood_report.mp4", FLOOD, spans)
        (folder / "metadata.csv").write_text(
            "file,title,date,place,people,topics,source\n"
            "council_briefing.mp4,Council briefing,2021-03-15,Leuven,,transport;budget;energy,"
            "City TV\n"
            "flood_report.mp4,Flood report,2022-11-03,Namur,Anna Claes,flood;weather,"
            "Regional TV\n"
        )

    def radio(self) -> None:
        folder = self.subfolder("radio")
        _, spans = samples.audio_with_speech(
            list(MORNING.values()), folder / "morning_bulletin.mp3", duration_s=26.0
        )
        self.place("radio/morning_bulletin.mp3", MORNING, spans)
        (folder / "morning_bulletin.mp3.json").write_text(
            json.dumps(
                {
                    "title": "Morning bulletin",
                    "date": "2023-08-14",
                    "source": "Radio One",
                    "topics": ["wildfire", "strike", "health"],
                }
            )
        )
        _, spans = samples.audio_with_speech(
            list(EVENING.values()), folder / "evening_news.m4a", duration_s=15.0, voice="en-gb"
        )
        self.place("radio/evening_news.m4a", EVENING, spans)  # no metadata at all
        _, spans = samples.audio_with_speech(
            list(INTERVIEW.values()), folder / "interview.ogg", duration_s=12.0, voice="en-us+f3"
        )
        self.place("radio/interview.ogg", INTERVIEW, spans)

    def music(self) -> None:
        (self.archive / "music").mkdir()
        for rel, spec in MUSIC.items():
            samples.synth_music(
                self.archive / rel,
                bpm=float(spec["bpm"]),
                key=str(spec["key"]),
                mode=str(spec["mode"]),
                seconds=float(spec["seconds"]),
            )
        (self.archive / "music" / "theme_a_minor.flac.json").write_text(
            json.dumps(
                {
                    "title": "Evening news theme",
                    "source": "Radio One",
                    "topics": ["music", "jingle"],
                }
            )
        )

    def photos(self) -> None:
        folder = self.subfolder("photos")
        shutil.copy(samples.debian_photo("messi5.jpg"), folder / "messi5.jpg")
        (folder / "messi5.jpg.json").write_text(
            json.dumps(
                {
                    "title": "Football star on the pitch",
                    "date": "2018-06-16",
                    "place": "Barcelona",
                    "people": ["Lionel Messi"],
                    "topics": ["football", "sport"],
                    "source": "Agency photo",
                }
            )
        )
        _near_duplicate(samples.debian_photo("messi5.jpg"), folder / "messi5_web.jpg", 0.5, 0.04)
        shutil.copy(samples.debian_photo("fruits.jpg"), folder / "fruits.jpg")
        (folder / "fruits.jpg.json").write_text(
            json.dumps(
                {
                    "title": "Fruit stall at the Saturday market",
                    "date": "2020-09-12",
                    "place": "Ghent",
                    "topics": ["food", "market"],
                }
            )
        )
        with Image.open(samples.debian_photo("leuvenA.jpg")) as image:
            image.save(folder / "leuven.jpg", quality=90)
        _save_with_exif(folder / "leuven.jpg", "2019:05:04 10:30:00")
        shutil.copy(samples.debian_photo("starry_night.jpg"), folder / "starry_night.jpg")
        for name in ("Storm.jpg", "LadyBird.jpg", "Dune.jpg"):
            _resized(samples.debian_photo(name), folder / name.lower(), 1024)
        _near_duplicate(folder / "dune.jpg", folder / "dune_copy.png", 0.6, 0.0)
        (folder / "metadata.csv").write_text(
            "file,title,date,place,people,topics,source\n"
            "starry_night.jpg,The Starry Night painting,2015-02-01,,Vincent van Gogh,"
            "art;painting,Museum archive\n"
            "storm.jpg,Storm clouds over the fields,2022-11-02,Flanders,,weather;storm,"
            "Agency photo\n"
            "ladybird.jpg,Ladybird on a green leaf,,,,nature;insects,\n"
        )

    def documents(self) -> None:
        folder = self.subfolder("docs")
        (folder / "harbour_report.md").write_text(samples.REPORT_TEXT)
        samples.write_pdf(folder / "elections.pdf", samples.PDF_PAGES)
        (folder / "bulletin.html").write_text(BULLETIN_HTML)
        (folder / "council_memo.txt").write_text(COUNCIL_MEMO)

    def broken(self) -> None:
        folder = self.archive / "broken"
        samples.make_broken_files(folder)
        samples.truncate_file(
            self.archive / "video" / "flood_report.mp4", folder / "truncated_clip.mp4"
        )

    def query_media(self) -> None:
        q = self.queries
        _grab_frame(self.archive / "video/council_briefing.mp4", 10.0, q / "frame_council.jpg")
        _grab_frame(self.archive / "video/flood_report.mp4", 12.0, q / "frame_flood.jpg")
        _crop(self.archive / "photos/messi5.jpg", q / "messi_crop.jpg", 0.05)
        _near_duplicate(self.archive / "photos/dune.jpg", q / "dune_query.jpg", 0.4, 0.0)
        with Image.open(self.archive / "photos/fruits.jpg") as image:
            ImageEnhance.Brightness(image).enhance(1.15).resize(
                (image.width // 2, image.height // 2)
            ).save(q / "fruits_small.png")
        strike = self.spoken["morning.strike"]
        samples.excerpt_16k(
            self.archive / "radio/morning_bulletin.mp3",
            strike.start_s - 0.3,
            strike.end_s + 0.3,
            q / "excerpt_strike.wav",
        )
        rescue = self.spoken["flood.rescue"]
        samples.excerpt_16k(
            self.archive / "video/flood_report.mp4",
            rescue.start_s - 0.3,
            rescue.end_s + 0.3,
            q / "excerpt_rescue.wav",
        )
        samples.speak(
            "Hundreds of families had to flee a forest fire in the north.",
            q / "paraphrase_wildfire.wav",
            voice="en-gb-scotland",
            speed=140,
        )
        samples.speak(
            "The minister will pay for three new hospitals.",
            q / "paraphrase_hospitals.wav",
            voice="en-us+f3",
            speed=160,
        )


def _resized(src: Path, out: Path, width: int) -> None:
    with Image.open(src) as image:
        height = round(image.height * width / image.width)
        image.convert("RGB").resize((width, height)).save(out, quality=88)


def _near_duplicate(src: Path, out: Path, scale: float, crop: float) -> None:
    """A re-encoded copy: cropped by `crop` of each side, scaled, another format/quality."""
    with Image.open(src) as image:
        w, h = image.size
        box = (int(w * crop), int(h * crop), w - int(w * crop), h - int(h * crop))
        copy = image.convert("RGB").crop(box)
        copy = copy.resize((int(copy.width * scale), int(copy.height * scale)))
        if out.suffix == ".jpg":
            copy.save(out, quality=70)
        else:
            copy.save(out)


def _crop(src: Path, out: Path, margin: float) -> None:
    _near_duplicate(src, out, 1.0, margin)


def _save_with_exif(path: Path, taken: str) -> None:
    with Image.open(path) as image:
        exif = Image.Exif()
        exif[0x010F] = "Canon"
        exif[0x0110] = "Canon EOS 5D"
        exif[0x8769] = {0x9003: taken}  # Exif IFD: DateTimeOriginal
        exif[0x8825] = {1: "N", 2: (50.0, 52.0, 47.28), 3: "E", 4: (4.0, 42.0, 1.8)}
        image.load()
        image.save(path, exif=exif, quality=90)


def _grab_frame(video: Path, at_s: float, out: Path) -> None:
    samples.ffmpeg("-ss", f"{at_s}", "-i", str(video), "-frames:v", "1", "-q:v", "3", str(out))


# --- cases ------------------------------------------------------------------------------


def cases(built: Builder) -> list[dict[str, Any]]:
    said = built.said

    def doc(file: str, contains: str | None = None) -> dict[str, Any]:
        return {"file": file, **({"contains": contains} if contains else {})}

    case = case_row

    return [
        # speech in video and radio, found by what is said
        case(
            "speech-01",
            "search",
            "city council budget for public transport",
            [said("council.budget", True)],
            ["speech", "video"],
        ),
        case(
            "speech-02",
            "search",
            "free bus tickets for students",
            [said("council.tickets", True), doc("docs/council_memo.txt", "free bus tickets")],
            ["speech", "video", "doc"],
        ),
        case(
            "speech-03",
            "search",
            "river road closed by flooding",
            [said("flood.road", True)],
            ["speech", "video"],
        ),
        case(
            "speech-04",
            "search",
            "rescue teams evacuated families",
            [said("flood.rescue", True)],
            ["speech", "video"],
        ),
        case(
            "speech-05",
            "search",
            "wildfire in the northern forest",
            [said("morning.wildfire", True)],
            ["speech", "radio"],
        ),
        case(
            "speech-06",
            "search",
            "railway strike ended",
            [said("morning.strike", True), doc("docs/bulletin.html", "railway strike")],
            ["speech", "radio", "doc"],
        ),
        case(
            "speech-07",
            "search",
            "flu season started early",
            [said("morning.flu", True)],
            ["speech", "radio"],
        ),
        case(
            "speech-08",
            "search",
            "green party doubled its seats in the election",
            [
                said("evening.election", True),
                doc("docs/elections.pdf", "green party doubled its seats"),
            ],
            ["speech", "radio", "doc"],
        ),
        case(
            "speech-09",
            "search",
            "coral reefs bleached by warmer oceans",
            [said("interview.reefs", True)],
            ["speech", "radio"],
        ),
        case(
            "speech-10",
            "ask",
            "What did the mayor say about energy prices?",
            [said("council.energy")],
            ["speech", "video"],
            answer_must_include=[["energy prices", "energy"], "winter"],
        ),
        case(
            "speech-11",
            "ask",
            "Which road was closed by the flooding?",
            [said("flood.road")],
            ["speech", "video"],
            answer_must_include=["river road", ["stone bridge", "old bridge"]],
        ),
        case(
            "speech-12",
            "ask",
            "How long did the railway strike last?",
            [said("morning.strike"), doc("docs/bulletin.html", "three days")],
            ["speech", "radio"],
            answer_must_include=[["three days", "3 days"]],
        ),
        case(
            "speech-13",
            "ask",
            "How many families were evacuated from the lower town?",
            [said("flood.rescue")],
            ["speech", "video"],
            answer_must_include=[["forty", "40"]],
        ),
        # documents
        case(
            "doc-01",
            "search",
            "container volumes at the harbour",
            [doc("docs/harbour_report.md", "container volumes rose")],
            ["doc"],
        ),
        case(
            "doc-02",
            "search",
            "cod quotas threaten small family boats",
            [doc("docs/harbour_report.md", "quotas on cod")],
            ["doc"],
        ),
        case(
            "doc-03",
            "search",
            "funding for new hospitals",
            [doc("docs/elections.pdf", "three new hospitals"), said("evening.hospitals")],
            ["doc", "speech"],
        ),
        case(
            "doc-04",
            "search",
            "transport budget memo fourteen million euros",
            [doc("docs/council_memo.txt", "fourteen million")],
            ["doc"],
        ),
        case(
            "doc-05",
            "ask",
            "What did the ministry promise the fishermen?",
            [doc("docs/harbour_report.md", "compensation fund")],
            ["doc"],
            answer_must_include=["compensation fund"],
        ),
        case(
            "doc-06",
            "ask",
            "By how much did container volumes rise at the harbour?",
            [doc("docs/harbour_report.md", "twelve percent")],
            ["doc"],
            answer_must_include=[["twelve percent", "12 percent", "12%"]],
        ),
        # image queries: perceptual hashes (grabbed frames, near-duplicates, a mild crop)
        case(
            "image-01",
            "search",
            "",
            [doc("video/council_briefing.mp4")],
            ["image-query", "video"],
            query_image="frame_council.jpg",
        ),
        case(
            "image-02",
            "search",
            "",
            [{"file": "video/flood_report.mp4", "start_s": 8.0, "end_s": 16.0}],
            ["image-query", "video"],
            query_image="frame_flood.jpg",
        ),
        case(
            "image-03",
            "search",
            "",
            [doc("photos/messi5.jpg"), doc("photos/messi5_web.jpg")],
            ["image-query", "near-duplicate"],
            query_image="messi_crop.jpg",
        ),
        case(
            "image-04",
            "search",
            "",
            [doc("photos/dune.jpg"), doc("photos/dune_copy.png")],
            ["image-query", "near-duplicate"],
            query_image="dune_query.jpg",
        ),
        case(
            "image-05",
            "search",
            "",
            [doc("photos/fruits.jpg")],
            ["image-query", "near-duplicate"],
            query_image="fruits_small.png",
        ),
        case(
            "image-06",
            "ask",
            "Where and when was this photo taken?",
            [doc("photos/messi5.jpg")],
            ["image-query", "metadata"],
            query_image="messi_crop.jpg",
            answer_must_include=["Barcelona", "2018"],
        ),
        # audio queries: an excerpt, and paraphrases in other voices
        case(
            "audio-01",
            "search",
            "",
            [said("morning.strike")],
            ["audio-query", "excerpt"],
            query_audio="excerpt_strike.wav",
        ),
        case(
            "audio-02",
            "search",
            "",
            [said("flood.rescue")],
            ["audio-query", "excerpt", "video"],
            query_audio="excerpt_rescue.wav",
        ),
        case(
            "audio-03",
            "search",
            "",
            [said("morning.wildfire")],
            ["audio-query", "paraphrase"],
            query_audio="paraphrase_wildfire.wav",
        ),
        case(
            "audio-04",
            "search",
            "",
            [said("evening.hospitals"), doc("docs/elections.pdf", "three new hospitals")],
            ["audio-query", "paraphrase"],
            query_audio="paraphrase_hospitals.wav",
        ),
        # text -> image through curated metadata (no CLIP weights here)
        case(
            "meta-01",
            "search",
            "Lionel Messi",
            [doc("photos/messi5.jpg")],
            ["metadata", "text-to-image"],
        ),
        case(
            "meta-02",
            "search",
            "painting by Vincent van Gogh",
            [doc("photos/starry_night.jpg")],
            ["metadata", "text-to-image"],
        ),
        case(
            "meta-03",
            "search",
            "fruit stall at the market",
            [doc("photos/fruits.jpg")],
            ["metadata", "text-to-image"],
        ),
        case(
            "meta-04",
            "search",
            "storm clouds over the fields",
            [doc("photos/storm.jpg")],
            ["metadata", "text-to-image"],
        ),
        case(
            "meta-05",
            "ask",
            "Who is the football player in the 2018 agency photo?",
            [doc("photos/messi5.jpg")],
            ["metadata", "text-to-image"],
            answer_must_include=["Messi"],
        ),
        # filters
        case(
            "filter-01",
            "search",
            "news bulletin",
            [doc("radio/morning_bulletin.mp3")],
            ["filter", "metadata", "radio"],
            filters={"kind": ["audio"], "source": "Radio One"},
        ),
        case(
            "filter-02",
            "search",
            "street photo",
            [doc("photos/leuven.jpg")],
            ["filter", "exif"],
            filters={"kind": ["image"], "date_from": "2019-01-01", "date_to": "2019-12-31"},
        ),
        case(
            "filter-03",
            "search",
            "flooding",
            [said("flood.road")],
            ["filter", "speech"],
            filters={"place": "Namur"},
        ),
        case(
            "filter-04",
            "search",
            "energy costs",
            [doc("docs/council_memo.txt", "energy costs")],
            ["filter", "doc"],
            filters={"kind": ["document"]},
        ),
        case(
            "filter-05",
            "search",
            "football",
            [doc("photos/messi5.jpg")],
            ["filter", "metadata"],
            filters={"people": ["Lionel Messi"]},
        ),
        case(
            "filter-06",
            "search",
            "budget",
            [said("council.budget")],
            ["filter", "speech"],
            filters={"date_from": "2021-01-01", "date_to": "2021-12-31"},
        ),
        case(
            "filter-07",
            "search",
            "families had to leave",
            [said("morning.wildfire")],
            ["filter", "speech", "radio"],
            filters={"kind": ["audio"]},
        ),
        # music: analysed tempo / key / mode
        case(
            "music-01",
            "search",
            "music",
            [doc("music/theme_a_minor.flac")],
            ["music", "filter"],
            filters={"mode": "minor", "tempo_min": 110, "tempo_max": 130},
        ),
        case(
            "music-02",
            "search",
            "music",
            [doc("music/jingle_c_major.mp3")],
            ["music", "filter"],
            filters={"key": "C major"},
        ),
        case(
            "music-03",
            "search",
            "music",
            [doc("music/sting_e_minor.wav")],
            ["music", "filter"],
            filters={"tempo_min": 140, "tempo_max": 160},
        ),
        case(
            "music-04",
            "search",
            "evening news theme",
            [doc("music/theme_a_minor.flac")],
            ["music", "metadata"],
        ),
        # no answer in the archive
        case(
            "abstain-01",
            "ask",
            "What did the president say about the moon landing?",
            [],
            ["abstain"],
            must_abstain=True,
        ),
        case(
            "abstain-02",
            "ask",
            "Who won the 1970 world chess championship?",
            [],
            ["abstain"],
            must_abstain=True,
        ),
        case(
            "abstain-03",
            "ask",
            "How many people live in the Mars colony?",
            [],
            ["abstain"],
            must_abstain=True,
        ),
        case(
            "abstain-04",
            "ask",
            "What did the council decide about the new football stadium?",
            [],
            ["abstain"],
            must_abstain=True,
        ),
    ]


SUITE_YAML = """name: sample
description: >-
  A small newsroom archive built from real media by scripts/make_sample_archive.py:
  videos and radio clips with espeak-ng news speech, synthesised music of known tempo and key,
  opencv-doc and MATE photos with and without sidecar metadata, near-duplicates, documents
  and broken files. No CLIP weights here: text-to-image relies on curated metadata and image
  queries on perceptual hashes.
"""


def main(argv: list[str] | None = None) -> int:
    return suite_main(argv, __file__, SUITE_YAML, Builder, cases, DEFAULT_SUITE)


if __name__ == "__main__":
    sys.exit(main())
