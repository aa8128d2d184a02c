"""Build eval/suites/sample/: a small newsroom archive from real media, its query media, and
the cases.jsonl whose gold times come from where the speech was actually placed (the cases
and spoken lines are scripts/data/sample_cases.yaml and sample_lines.yaml).

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
from samples.suites import SuiteBuilder, load_cases, load_lines, suite_main

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SUITE = REPO / "eval" / "suites" / "sample"

DATA = Path(__file__).resolve().parent / "data"
# Spoken news lines by file: key -> (offset in the file, text). The cases cite them by key.
LINES = load_lines(DATA / "sample_lines.yaml")
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
    def archive_media(self) -> None:
        self.videos()
        self.radio()
        self.music()
        self.photos()
        self.documents()
        self.broken()

    def videos(self) -> None:
        folder = self.subfolder("video")
        _, spans = samples.video_with_speech(
            samples.debian_video("vtest.avi"),
            list(LINES["council"].values()),
            folder / "council_briefing.mp4",
            duration_s=22.0,
            tags={"title": "Council briefing", "creation_time": "2021-03-15T18:00:00Z"},
        )
        self.place("video/council_briefing.mp4", LINES["council"], spans)
        _, spans = samples.video_with_speech(
            [(samples.debian_video("tree.avi"), 8.0), (samples.debian_video("Megamind.avi"), 8.0)],
            list(LINES["flood"].values()),
            folder / "flood_report.mp4",
        )
        self.place("video/flood_report.mp4", LINES["flood"], spans)
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
            list(LINES["morning"].values()), folder / "morning_bulletin.mp3", duration_s=26.0
        )
        self.place("radio/morning_bulletin.mp3", LINES["morning"], spans)
        _sidecar(
            folder / "morning_bulletin.mp3",
            {
                "title": "Morning bulletin",
                "date": "2023-08-14",
                "source": "Radio One",
                "topics": ["wildfire", "strike", "health"],
            },
        )
        _, spans = samples.audio_with_speech(
            list(LINES["evening"].values()),
            folder / "evening_news.m4a",
            duration_s=15.0,
            voice="en-gb",
        )
        self.place("radio/evening_news.m4a", LINES["evening"], spans)  # no metadata at all
        _, spans = samples.audio_with_speech(
            list(LINES["interview"].values()),
            folder / "interview.ogg",
            duration_s=12.0,
            voice="en-us+f3",
        )
        self.place("radio/interview.ogg", LINES["interview"], spans)

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
        _sidecar(
            self.archive / "music" / "theme_a_minor.flac",
            {
                "title": "Evening news theme",
                "source": "Radio One",
                "topics": ["music", "jingle"],
            },
        )

    def photos(self) -> None:
        folder = self.subfolder("photos")
        shutil.copy(samples.debian_photo("messi5.jpg"), folder / "messi5.jpg")
        _sidecar(
            folder / "messi5.jpg",
            {
                "title": "Football star on the pitch",
                "date": "2018-06-16",
                "place": "Barcelona",
                "people": ["Lionel Messi"],
                "topics": ["football", "sport"],
                "source": "Agency photo",
            },
        )
        _near_duplicate(samples.debian_photo("messi5.jpg"), folder / "messi5_web.jpg", 0.5, 0.04)
        shutil.copy(samples.debian_photo("fruits.jpg"), folder / "fruits.jpg")
        _sidecar(
            folder / "fruits.jpg",
            {
                "title": "Fruit stall at the Saturday market",
                "date": "2020-09-12",
                "place": "Ghent",
                "topics": ["food", "market"],
            },
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
        samples.grab_frame(
            self.archive / "video/council_briefing.mp4", 10.0, q / "frame_council.jpg"
        )
        samples.grab_frame(self.archive / "video/flood_report.mp4", 12.0, q / "frame_flood.jpg")
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


def _sidecar(media: Path, fields: dict[str, Any]) -> None:
    """The sidecar `<file>.json` of `media`: its curated metadata `fields`."""
    (media.parent / f"{media.name}.json").write_text(json.dumps(fields))


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


# --- cases ------------------------------------------------------------------------------


def cases(built: Builder) -> list[dict[str, Any]]:
    """The rows of scripts/data/sample_cases.yaml, each spoken line where it was placed."""
    return load_cases(DATA / "sample_cases.yaml", built.gold)


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
