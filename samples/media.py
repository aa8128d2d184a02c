"""Real test media, built from Debian's sample photos/videos, espeak-ng speech and
synthesised music, with the facts a test can check (which sentence is spoken where).

Used by tests of every room and by scripts/make_sample_archive.py. Building the whole
test archive takes a few seconds; the result is cached under the user cache dir keyed by
BUILD_VERSION, so later builds only copy files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

OPENCV_DATA = Path("/usr/share/doc/opencv-doc/examples/data")
MATE_BACKGROUNDS = Path("/usr/share/backgrounds/mate")
# Bump when the archive's content or layout changes (invalidates caches).
BUILD_VERSION = "4"
SPEECH_RATE = 22_050  # espeak-ng writes 22.05 kHz mono


# Debian photos (opencv-doc, mate-backgrounds) the ingest benchmarks all start from.
BENCH_PHOTOS: tuple[str, ...] = (
    "messi5.jpg",
    "fruits.jpg",
    "leuvenA.jpg",
    "starry_night.jpg",
    "baboon.jpg",
    "Aqua.jpg",
    "Blinds.jpg",
    "Dune.jpg",
    "Garden.jpg",
    "GreenMeadow.jpg",
    "LadyBird.jpg",
    "RainDrops.jpg",
    "FreshFlower.jpg",
)


class MissingSampleMedia(FileNotFoundError):
    """Debian sample media are not installed on this machine."""


def _find(name: str, folders: list[Path], package_hint: str) -> Path:
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
        matches = sorted(folder.glob(f"*/{name}")) if folder.is_dir() else []
        if matches:
            return matches[0]
    raise MissingSampleMedia(
        f"Sample media '{name}' not found in {', '.join(map(str, folders))}. "
        f"Install it with `apt-get install {package_hint}` (or `apt-get download "
        f"{package_hint} && dpkg-deb -x *.deb /`)."
    )


def debian_photo(name: str) -> Path:
    """A photo from opencv-doc's data folder or the MATE backgrounds (e.g. 'messi5.jpg')."""
    return _find(name, [OPENCV_DATA, MATE_BACKGROUNDS], "opencv-doc mate-backgrounds")


def debian_video(name: str) -> Path:
    """A video from opencv-doc's data folder (vtest.avi, tree.avi, Megamind.avi)."""
    return _find(name, [OPENCV_DATA], "opencv-doc")


def _run(args: list[str], timeout: float = 300) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr[-800:]}")


def ffmpeg(*args: str) -> None:
    """Run ffmpeg quietly, overwriting its output; a RuntimeError with its stderr on failure."""
    _run(["ffmpeg", "-nostdin", "-y", "-loglevel", "error", *args])


def grab_frame(video: Path, at_s: float, out: Path) -> None:
    """The frame of `video` at `at_s` seconds as a JPEG image `out` (an uploaded query)."""
    ffmpeg("-ss", f"{at_s}", "-i", str(video), "-frames:v", "1", "-q:v", "3", str(out))


def excerpt_16k(media: Path, start_s: float, end_s: float, out: Path, *filters: str) -> None:
    """The sound of `media` from `start_s` to `end_s` as 16 kHz mono, through ffmpeg's
    audio `filters` (joined in order) if any."""
    shaped = ["-af", ",".join(filters)] if filters else []
    cut = ["-ss", f"{start_s:.2f}", "-to", f"{end_s:.2f}", "-i", str(media)]
    ffmpeg(*cut, "-vn", "-ac", "1", "-ar", "16000", *shaped, str(out))


FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def captioned_street(target: Path, text: str, seconds: float, when: str, size: int) -> Path:
    """`seconds` of vtest.avi (a street scene), silent, with `text` burned in, white on a
    black box near the bottom, while the ffmpeg expression `when` holds (e.g. 'gte(t,2)')."""
    font = f"fontfile={FONT}:" if FONT.is_file() else ""
    drawtext = (
        f"drawtext={font}text='{text}':fontsize={size}:fontcolor=white:box=1:"
        "boxcolor=black@0.8:boxborderw=10:x=(w-text_w)/2:y=h-text_h-30:"
        f"enable='{when}'"
    )
    ffmpeg(
        "-i", str(debian_video("vtest.avi")), "-t", str(seconds), "-vf", drawtext,
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-an", str(target),
    )  # fmt: skip
    return target


def speak(text: str, out: Path, voice: str = "en-us", speed: int = 150) -> Path:
    """Speak `text` with espeak-ng into a 22.05 kHz mono WAV file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    _run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(out), text])
    return out


def _read_wav(path: Path) -> tuple[np.ndarray, int]:
    import soundfile

    samples, rate = soundfile.read(str(path), dtype="float32", always_2d=False)
    return (samples.mean(axis=1) if samples.ndim > 1 else samples), int(rate)


@dataclass
class SpokenLine:
    """A sentence placed in a media file: where the voice starts and stops (seconds)."""

    file: str
    text: str
    start_s: float
    end_s: float


def _speech_track(
    lines: list[tuple[float, str]], duration_s: float | None, voice: str, speed: int
) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """Mix spoken lines at their offsets into one track; return it and the spoken spans."""
    pieces: list[tuple[float, np.ndarray, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (offset, text) in enumerate(lines):
            wav = speak(text, Path(tmp) / f"line{i}.wav", voice=voice, speed=speed)
            samples, _ = _read_wav(wav)
            pieces.append((offset, samples, text))
    end = max(offset + len(s) / SPEECH_RATE for offset, s, _ in pieces) if pieces else 0.0
    total = round((duration_s or end + 1.0) * SPEECH_RATE)
    track = np.zeros(total, dtype=np.float32)
    spans = []
    for offset, samples, text in pieces:
        start = round(offset * SPEECH_RATE)
        chunk = samples[: max(0, total - start)]
        track[start : start + len(chunk)] += chunk
        voiced = np.flatnonzero(np.abs(chunk) > 0.02)  # espeak pads with a little silence
        first, last = (voiced[0], voiced[-1]) if voiced.size else (0, len(chunk))
        spans.append(((start + first) / SPEECH_RATE, (start + last) / SPEECH_RATE, text))
    return np.clip(track, -1.0, 1.0), spans


def _write_wav(samples: np.ndarray, rate: int, out: Path) -> Path:
    import soundfile

    out.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(out), samples, rate, subtype="PCM_16")
    return out


def video_with_speech(
    video_src: Path | list[tuple[Path, float]],
    lines: list[tuple[float, str]],
    out: Path,
    duration_s: float | None = None,
    voice: str = "en-us",
    speed: int = 150,
    width: int = 320,
    height: int = 240,
    tags: dict[str, str] | None = None,
) -> tuple[Path, list[SpokenLine]]:
    """A short H.264/AAC mp4: the source video (or several sources cut together, each
    given as (path, seconds)) with the spoken `lines` placed at their offsets."""
    sources = [(video_src, duration_s or 10.0)] if isinstance(video_src, Path) else video_src
    total = duration_s or sum(seconds for _, seconds in sources)
    track, spans = _speech_track(lines, total, voice, speed)
    with tempfile.TemporaryDirectory() as tmp:
        wav = _write_wav(track, SPEECH_RATE, Path(tmp) / "speech.wav")
        inputs: list[str] = []
        filters = []
        for i, (path, seconds) in enumerate(sources):
            inputs += ["-t", f"{seconds}", "-i", str(path)]
            filters.append(
                f"[{i}:v]scale={width}:{height}:force_original_aspect_ratio=decrease,"
                f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=15,format=yuv420p,"
                f"trim=duration={seconds},setpts=PTS-STARTPTS[v{i}]"
            )
        joined = "".join(f"[v{i}]" for i in range(len(sources)))
        filters.append(f"{joined}concat=n={len(sources)}:v=1:a=0[v]")
        metadata = [arg for k, v in (tags or {}).items() for arg in ("-metadata", f"{k}={v}")]
        ffmpeg(
            *inputs,
            "-i",
            str(wav),
            "-filter_complex",
            ";".join(filters),
            "-map",
            "[v]",
            "-map",
            f"{len(sources)}:a",
            "-t",
            f"{total}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-crf",
            "28",
            "-c:a",
            "aac",
            "-b:a",
            "64k",
            *metadata,
            str(out),
        )
    return out, [SpokenLine(out.name, text, a, b) for a, b, text in spans]


def audio_with_speech(
    lines: list[tuple[float, str]],
    out: Path,
    duration_s: float | None = None,
    voice: str = "en-us",
    speed: int = 150,
    noise_db: float | None = -45.0,
) -> tuple[Path, list[SpokenLine]]:
    """A radio-like clip: spoken lines at their offsets over faint noise. The format
    follows the suffix of `out` (.wav directly; .mp3/.ogg/.flac/.m4a through ffmpeg)."""
    track, spans = _speech_track(lines, duration_s, voice, speed)
    if noise_db is not None:
        rng = np.random.default_rng(7)
        track = track + rng.normal(0, 10 ** (noise_db / 20), len(track)).astype(np.float32)
    _encode_audio(track, SPEECH_RATE, out)
    return out, [SpokenLine(out.name, text, a, b) for a, b, text in spans]


def _encode_audio(samples: np.ndarray, rate: int, out: Path) -> Path:
    if out.suffix.lower() == ".wav":
        return _write_wav(samples, rate, out)
    with tempfile.TemporaryDirectory() as tmp:
        wav = _write_wav(samples, rate, Path(tmp) / "track.wav")
        ffmpeg("-i", str(wav), str(out))
    return out


NOTE_INDEX = {
    "C": 0,
    "C#": 1,
    "D": 2,
    "D#": 3,
    "E": 4,
    "F": 5,
    "F#": 6,
    "G": 7,
    "G#": 8,
    "A": 9,
    "A#": 10,
    "B": 11,
    "DB": 1,
    "EB": 3,
    "GB": 6,
    "AB": 8,
    "BB": 10,
}


def synth_music(
    out: Path,
    bpm: float = 120.0,
    key: str = "A",
    mode: str = "minor",
    seconds: float = 12.0,
    rate: int = 22_050,
) -> Path:
    """A clear tonic-triad arpeggio (four notes per beat), a sustained tonic bass and a
    percussive click on every beat, so tempo, key and mode are all easy to detect."""
    root = 48 + NOTE_INDEX[key.upper()]  # MIDI note of the tonic, C3..B3
    third = 3 if mode == "minor" else 4
    pattern = [root, root + third, root + 7, root + 12]
    beat_s = 60.0 / bpm
    t = np.arange(int(seconds * rate)) / rate
    track = 0.25 * np.sin(2 * np.pi * _hz(root - 12) * t)  # bass drone on the tonic
    note_s = beat_s / 4
    for i in range(int(seconds / note_s)):
        start = int(i * note_s * rate)
        n = min(int(note_s * rate), len(t) - start)
        local = np.arange(n) / rate
        envelope = np.exp(-local * 6.0)
        tone = np.sin(2 * np.pi * _hz(pattern[i % 4]) * local)
        track[start : start + n] += 0.35 * envelope * tone
    rng = np.random.default_rng(3)
    click_n = int(0.03 * rate)
    click = rng.normal(0, 1, click_n) * np.exp(-np.arange(click_n) / (0.004 * rate))
    for beat in range(int(seconds / beat_s)):
        start = int(beat * beat_s * rate)
        end = min(start + len(click), len(track))
        track[start:end] += 0.6 * click[: end - start]
    track = 0.8 * track / np.max(np.abs(track))
    return _encode_audio(track.astype(np.float32), rate, out)


def _hz(midi: int) -> float:
    return float(440.0 * 2 ** ((midi - 69) / 12))


def write_pdf(out: Path, pages: list[list[str]]) -> Path:
    """A small valid PDF, one list of text lines per page (Helvetica), written by hand so
    the test needs no PDF writer library and the text extracts exactly."""
    objects: list[bytes] = []
    page_ids = [4 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, lines in enumerate(pages):
        text = "".join(f"({_pdf_escape(line)}) Tj 0 -16 Td " for line in lines)
        stream = f"BT /F1 12 Tf 72 720 Td {text}ET".encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_ids[i] + 1} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    body = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    body += trailer.encode()
    out.write_bytes(bytes(body))
    return out


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG claiming huge dimensions: a decompression bomb for any decoder that
    trusts the header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return len(data).to_bytes(4, "big") + kind + data + crc.to_bytes(4, "big")

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# Non-UTF-8 file name (Latin-1 "café"), as bytes: os.fsencode names round-trip it.
NON_UTF8_NAME = b"caf\xe9_notes.txt"


def make_broken_files(folder: Path) -> dict[str, str]:
    """Write one file per kind of bad input; return {file name: expected reason substring}.

    The non-UTF-8 name is returned as os.fsdecode(bytes) (surrogate-escaped)."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}
    (folder / "empty.jpg").write_bytes(b"")
    expected["empty.jpg"] = "empty"
    photo = debian_photo("fruits.jpg").read_bytes()
    (folder / "truncated.jpg").write_bytes(photo[: len(photo) // 3])
    expected["truncated.jpg"] = "truncated"
    (folder / "notes_named_as.jpg").write_text("This is plain text, not a picture.\n" * 5)
    expected["notes_named_as.jpg"] = "text"
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(600) + b"\n%%EOF\n")
    expected["corrupt.pdf"] = "pdf"
    (folder / "bomb.png").write_bytes(_png_header_only(60_000, 60_000))
    expected["bomb.png"] = "too large"
    (folder / "dangling_link.jpg").symlink_to(folder / "does-not-exist.jpg")
    expected["dangling_link.jpg"] = "cannot read"
    bad_name = os.path.join(os.fsencode(folder), NON_UTF8_NAME)
    with open(bad_name, "wb") as handle:
        handle.write(b"A short note whose file name is Latin-1, not UTF-8.\n")
    expected[os.fsdecode(NON_UTF8_NAME)] = "utf-8"
    return expected


def truncate_file(src: Path, out: Path, fraction: float = 0.3) -> Path:
    data = src.read_bytes()
    out.write_bytes(data[: int(len(data) * fraction)])
    return out


# --- the mixed test archive ------------------------------------------------------------


@dataclass
class TestArchive:
    """What build_test_archive wrote and the facts tests can check against."""

    __test__ = False  # not a pytest test class

    root: Path
    photos: list[str] = field(default_factory=list)
    videos: list[str] = field(default_factory=list)
    audio: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    # rel_path -> expected failure reason substring
    broken: dict[str, str] = field(default_factory=dict)
    spoken: list[SpokenLine] = field(default_factory=list)
    # rel_path -> curated metadata written in sidecars / metadata.csv
    sidecar_metadata: dict[str, dict[str, object]] = field(default_factory=dict)
    near_duplicates: list[tuple[str, str]] = field(default_factory=list)
    # rel_path -> {"bpm": .., "key": .., "mode": ..}
    music: dict[str, dict[str, object]] = field(default_factory=dict)
    # rel_path -> seconds where a hard cut happens
    shot_changes: dict[str, list[float]] = field(default_factory=dict)
    # rel_path -> exif facts written into the file
    exif: dict[str, dict[str, object]] = field(default_factory=dict)
    document_facts: dict[str, list[str]] = field(default_factory=dict)

    @property
    def good_files(self) -> list[str]:
        return sorted(self.photos + self.videos + self.audio + self.documents)

    def lines_in(self, rel_path: str) -> list[SpokenLine]:
        name = Path(rel_path).name
        return [line for line in self.spoken if line.file == name]

    def to_json(self) -> str:
        data = asdict(self)
        data["root"] = str(self.root)
        return json.dumps(data, indent=2)

    @classmethod
    def from_json(cls, text: str, root: Path) -> TestArchive:
        data = json.loads(text)
        data["root"] = root
        data["spoken"] = [SpokenLine(**line) for line in data["spoken"]]
        data["near_duplicates"] = [tuple(pair) for pair in data["near_duplicates"]]
        return cls(**data)


STREET_LINES = [
    (1.0, "The city council approved a new budget for public transport."),
    (8.0, "Heavy flooding closed the river road near the old stone bridge."),
]
CUT_LINES = [
    (1.5, "Farmers protested against the new water tax in the capital."),
    (8.0, "The national football team won the final match on Sunday."),
]
RADIO_LINES = [
    (0.8, "Good morning, this is the regional news bulletin."),
    (5.0, "A wildfire near the northern forest forced hundreds of families to leave."),
]
REPORT_TEXT = """# Harbour report

The harbour authority published its annual report on shipping traffic. Container volumes
rose by twelve percent, while passenger ferries carried fewer travellers than last year.

## Fishing fleet

Local fishermen complained that new quotas on cod threaten small family boats. The
ministry promised a compensation fund before the winter season.
"""
PDF_PAGES = [
    [
        "Election results in the northern province",
        "Turnout reached a record high this year.",
        "The green party doubled its seats in the regional assembly.",
    ],
    [
        "Hospital funding",
        "The health minister announced funding for three new hospitals.",
        "Nurses unions welcomed the plan but asked for higher wages.",
    ],
]


def _default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "archive-assistant" / f"test-archive-v{BUILD_VERSION}"


def build_test_archive(root: Path, cache: Path | None = None) -> TestArchive:
    """A small mixed archive in `root` (photos, videos with speech, radio, music,
    documents, sidecars, broken files) and its manifest. Built once into `cache`
    (default: the user cache dir, keyed by BUILD_VERSION) and copied from there; delete
    the cache folder to force a rebuild."""
    cache = cache or _default_cache()
    manifest = cache / "manifest.json"
    if not manifest.is_file():
        cache.parent.mkdir(parents=True, exist_ok=True)
        # Build beside the cache and rename into place, so a crash never leaves half a cache.
        staging = Path(tempfile.mkdtemp(prefix="building-", dir=cache.parent))
        try:
            built = _build(staging / "archive")
            (staging / "manifest.json").write_text(built.to_json())
            if not manifest.is_file():
                shutil.rmtree(cache, ignore_errors=True)
            try:
                staging.rename(cache)
            except OSError:
                if not manifest.is_file():  # not a concurrent build that finished first
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    # copytree cannot re-create a link over an existing one: building into the same root
    # twice would fail, so links from an earlier copy go first (they are re-made below).
    for link in [p for p in root.rglob("*") if p.is_symlink()]:
        link.unlink()
    # Bytes paths: the archive holds a file name that is not valid UTF-8.
    source, target = os.fsencode(cache / "archive"), os.fsencode(root)
    shutil.copytree(
        source,  # type: ignore[type-var,arg-type]
        target,
        symlinks=True,
        dirs_exist_ok=True,
    )
    _relink(root)
    return TestArchive.from_json(manifest.read_text(), root)


def _relink(root: Path) -> None:
    """Dangling links point into the folder they live in; re-point copies at `root`."""
    for link in root.rglob("*"):
        if link.is_symlink():
            target = Path(os.readlink(link))
            link.unlink()
            link.symlink_to(link.parent / target.name)


def _build(root: Path) -> TestArchive:
    archive = TestArchive(root=root)
    _add_photos(archive, root / "photos")
    _add_videos(archive, root / "video")
    _add_audio(archive, root / "audio")
    _add_documents(archive, root / "docs")
    broken = make_broken_files(root / "broken")
    truncate_file(root / "video" / "studio_cut.mp4", root / "broken" / "truncated_clip.mp4")
    broken["truncated_clip.mp4"] = "video"
    archive.broken.update({f"broken/{name}": reason for name, reason in broken.items()})
    return archive


MESSI_SIDECAR = {
    "title": "Football star on the pitch",
    "date": "2018-06-16",
    "place": "Moscow",
    "people": ["Lionel Messi"],
    "topics": ["football", "sport"],
    "source": "Agency photo",
    "rights": "CC-BY 4.0",
    "photographer": "J. Doe",
}
FRUITS_XMP = """<?xml version="1.0" encoding="UTF-8"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">
  <rdf:Description rdf:about="" photoshop:City="Ghent" photoshop:DateCreated="2020-09-12">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Market fruit stall</rdf:li></rdf:Alt></dc:title>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Apples and oranges at the
    Saturday market</rdf:li></rdf:Alt></dc:description>
   <dc:subject><rdf:Bag><rdf:li>food</rdf:li><rdf:li>market</rdf:li></rdf:Bag></dc:subject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"""
LEUVEN_EXIF = {
    "date": "2019-05-04T10:30:00",
    "camera": "Canon EOS 5D",
    "lat": 50.8798,
    "lon": 4.7005,
}


def _add_photos(archive: TestArchive, folder: Path) -> None:
    from PIL import Image

    folder.mkdir(parents=True)
    shutil.copy(debian_photo("messi5.jpg"), folder / "messi5.jpg")
    (folder / "messi5.jpg.json").write_text(json.dumps(MESSI_SIDECAR))
    with Image.open(debian_photo("messi5.jpg")) as image:
        w, h = image.size
        image.crop((w // 10, h // 10, w - w // 10, h - h // 10)).resize((w // 2, h // 2)).save(
            folder / "messi5_copy_small.jpg", quality=85
        )
    shutil.copy(debian_photo("fruits.jpg"), folder / "fruits.jpg")
    (folder / "fruits.xmp").write_text(FRUITS_XMP)
    _save_with_exif(debian_photo("leuvenA.jpg"), folder / "leuven.jpg")
    with Image.open(debian_photo("Aqua.jpg")) as image:
        image.convert("RGB").resize((480, 300)).save(folder / "aqua.png")
    (folder / "aqua.png.json").write_text('{"title": "Water drops", "date": "not a date"')
    names = ("messi5.jpg", "messi5_copy_small.jpg", "fruits.jpg", "leuven.jpg", "aqua.png")
    archive.photos = [f"photos/{n}" for n in names]
    archive.sidecar_metadata["photos/messi5.jpg"] = dict(MESSI_SIDECAR)
    archive.sidecar_metadata["photos/fruits.jpg"] = {
        "title": "Market fruit stall",
        "place": "Ghent",
        "date": "2020-09-12",
        "topics": ["food", "market"],
    }
    archive.near_duplicates = [("photos/messi5.jpg", "photos/messi5_copy_small.jpg")]
    archive.exif["photos/leuven.jpg"] = dict(LEUVEN_EXIF)
    archive.broken["photos/aqua.png.json"] = "sidecar"


def _save_with_exif(src: Path, out: Path) -> None:
    from PIL import Image

    def dms(value: float) -> tuple[float, float, float]:
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        return (float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 2))

    with Image.open(src) as image:
        exif = Image.Exif()
        exif[0x010F] = "Canon"
        exif[0x0110] = LEUVEN_EXIF["camera"]
        exif[0x8769] = {0x9003: "2019:05:04 10:30:00"}  # Exif IFD: DateTimeOriginal
        exif[0x8825] = {
            1: "N",
            2: dms(float(LEUVEN_EXIF["lat"])),  # type: ignore[arg-type]
            3: "E",
            4: dms(float(LEUVEN_EXIF["lon"])),  # type: ignore[arg-type]
        }
        image.save(out, exif=exif, quality=90)


def _add_videos(archive: TestArchive, folder: Path) -> None:
    folder.mkdir(parents=True)
    _, street = video_with_speech(
        debian_video("vtest.avi"),
        STREET_LINES,
        folder / "street_news.mp4",
        duration_s=14.0,
        tags={"title": "Street scene with council news", "creation_time": "2021-03-15T09:00:00Z"},
    )
    _, cut = video_with_speech(
        [(debian_video("tree.avi"), 6.0), (debian_video("Megamind.avi"), 7.0)],
        CUT_LINES,
        folder / "studio_cut.mp4",
    )
    (folder / "metadata.csv").write_text(
        "file,title,date,place,people,topics,source\n"
        "street_news.mp4,Council budget news,2021-03-15,Leuven,,transport;budget,City TV\n"
        "studio_cut.mp4,Protest and football,2022-07-02,Brussels,Jan Peeters,"
        "protest;football,City TV\n"
    )
    archive.videos = ["video/street_news.mp4", "video/studio_cut.mp4"]
    archive.spoken += street + cut
    archive.shot_changes["video/studio_cut.mp4"] = [6.0]
    archive.sidecar_metadata["video/street_news.mp4"] = {
        "title": "Council budget news",
        "date": "2021-03-15",
        "place": "Leuven",
        "topics": ["transport", "budget"],
        "source": "City TV",
    }
    archive.sidecar_metadata["video/studio_cut.mp4"] = {
        "title": "Protest and football",
        "date": "2022-07-02",
        "place": "Brussels",
        "people": ["Jan Peeters"],
        "topics": ["protest", "football"],
        "source": "City TV",
    }


def _add_audio(archive: TestArchive, folder: Path) -> None:
    folder.mkdir(parents=True)
    _, radio = audio_with_speech(RADIO_LINES, folder / "radio_bulletin.mp3", duration_s=11.0)
    synth_music(folder / "theme_music.flac", bpm=120, key="A", mode="minor", seconds=12.0)
    archive.audio = ["audio/radio_bulletin.mp3", "audio/theme_music.flac"]
    archive.spoken += radio
    archive.music["audio/theme_music.flac"] = {"bpm": 120.0, "key": "A minor", "mode": "minor"}


def _add_documents(archive: TestArchive, folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "harbour_report.md").write_text(REPORT_TEXT)
    write_pdf(folder / "elections.pdf", PDF_PAGES)
    (folder / "bulletin.html").write_text(
        "<html><head><title>Bulletin</title><style>p {color: red}</style></head><body>"
        "<h1>Morning bulletin</h1><p>The <b>railway strike</b> ended after three days.</p>"
        "<script>var hidden = 'do not index';</script></body></html>"
    )
    archive.documents = ["docs/bulletin.html", "docs/elections.pdf", "docs/harbour_report.md"]
    archive.document_facts = {
        "docs/harbour_report.md": ["cod", "container volumes rose by twelve percent"],
        "docs/elections.pdf": ["green party doubled its seats", "three new hospitals"],
        "docs/bulletin.html": ["railway strike ended after three days"],
    }


# --- interviews: several espeak voices taking turns (speaker diarization tests) ----------
@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice: name (with variant, e.g. "en-gb+f3"), words a minute, pitch 0-99."""

    voice: str
    speed: int = 150
    pitch: int = 50


@dataclass
class SpeakerTurnLine:
    """A turn of an interview: who speaks, what, and where the voice starts and stops."""

    speaker: str
    text: str
    start_s: float
    end_s: float


def interview(
    turns: list[tuple[str, str]],
    voices: dict[str, Voice],
    out: Path,
    gap_s: float = 0.7,
    lead_s: float = 0.5,
    noise_db: float | None = -45.0,
) -> tuple[Path, list[SpeakerTurnLine]]:
    """An interview: each (speaker, text) turn spoken by that speaker's voice, one after the
    other with `gap_s` of quiet between them; returns the file and the gold turns."""
    clips: list[tuple[str, str, np.ndarray]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (speaker, text) in enumerate(turns):
            voice = voices[speaker]
            wav = Path(tmp) / f"turn{i}.wav"
            _run(
                [
                    "espeak-ng",
                    "-v",
                    voice.voice,
                    "-s",
                    str(voice.speed),
                    "-p",
                    str(voice.pitch),
                    "-w",
                    str(wav),
                    text,
                ]
            )
            samples, _ = _read_wav(wav)
            voiced = np.flatnonzero(np.abs(samples) > 0.02)
            if voiced.size:
                samples = samples[voiced[0] : voiced[-1] + 1]
            clips.append((speaker, text, samples))
    gap = round(gap_s * SPEECH_RATE)
    pieces = [np.zeros(round(lead_s * SPEECH_RATE), np.float32)]
    lines: list[SpeakerTurnLine] = []
    cursor = len(pieces[0])
    for speaker, text, samples in clips:
        lines.append(
            SpeakerTurnLine(
                speaker, text, cursor / SPEECH_RATE, (cursor + len(samples)) / SPEECH_RATE
            )
        )
        pieces += [samples.astype(np.float32), np.zeros(gap, np.float32)]
        cursor += len(samples) + gap
    track = np.concatenate(pieces)
    if noise_db is not None:
        rng = np.random.default_rng(11)
        track = track + rng.normal(0, 10 ** (noise_db / 20), len(track)).astype(np.float32)
    _encode_audio(np.clip(track, -1.0, 1.0), SPEECH_RATE, out)
    return out, lines


# Voices the speaker encoder tells apart (1.6 s windows: 0.45-0.6 cosine between them,
# 0.81-0.85 within each). Two variants of one base voice (en-us at pitch 60 and en-gb+m3
# at pitch 35) score 0.78, nearly one voice to it: the encoder hears the synthesiser.
INTERVIEW_VOICES = {
    "reporter": Voice("en-us+f3", 155, 75),
    "official": Voice("en-gb-x-rp+m1", 130, 30),
    "expert": Voice("en-us+klatt", 150, 50),
}
TWO_VOICE_TURNS = [
    ("reporter", "Minister, what did the government decide about the harbour bridge?"),
    ("official", "We decided to rebuild the bridge next spring, and the work will take two years."),
    ("reporter", "How much will the repairs cost the taxpayers of the city?"),
    ("official", "The budget is forty million euros, shared between the city and the state."),
    ("reporter", "Will the ferries run while the bridge is closed?"),
    ("official", "Yes, two extra ferries will run every hour from six in the morning."),
]
THREE_VOICE_TURNS = [
    ("reporter", "Doctor, is the river water safe to drink after the flood?"),
    ("expert", "Not yet. Our samples still show bacteria in the northern districts."),
    ("official", "The city is handing out bottled water at every school this week."),
    ("reporter", "When will the tests be finished?"),
    ("expert", "We expect the final results on Friday, after three clean samples in a row."),
    ("official", "Until then, please boil tap water for at least one minute."),
]


_SUBJECTS = [
    "The city council",
    "Our engineers",
    "The harbour authority",
    "The minister",
    "Local schools",
    "The water board",
    "Two ferry companies",
    "The hospital",
]
_VERBS = [
    "will review",
    "has approved",
    "cannot promise",
    "expects to finish",
    "is testing",
    "will publish",
    "has delayed",
    "wants to discuss",
]
_OBJECTS = [
    "the new budget",
    "the bridge repairs",
    "the flood report",
    "every water sample",
    "the school timetable",
    "the ferry schedule",
    "the road closures",
    "the final plan",
]
_WHEN = [
    "before the summer",
    "next week",
    "on Friday morning",
    "within two years",
    "after the elections",
    "by the end of the month",
    "this evening",
    "in the spring",
]


def long_interview(minutes: float, out: Path, seed: int = 15) -> tuple[Path, list[SpeakerTurnLine]]:
    """An interview of about `minutes`: three voices taking turns (never the same voice
    twice in a row), each turn one or two sentences drawn from a small grammar, so no
    stretch of audio repeats; for diarization cost and accuracy on long files."""
    rng = np.random.default_rng(seed)
    speakers = list(INTERVIEW_VOICES)
    turns: list[tuple[str, str]] = []
    last = -1
    while len(turns) < max(1, round(minutes * 60 / 6.7)):  # about 6.7 s a turn with its pause
        who = int(rng.choice([i for i in range(len(speakers)) if i != last]))
        sentences = [
            f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
            f"{rng.choice(_WHEN)}."
            for _ in range(int(rng.integers(1, 3)))
        ]
        turns.append((speakers[who], " ".join(sentences)))
        last = who
    return interview(turns, INTERVIEW_VOICES, out)


EXAMPLE_WORDS = "Thank you for having me. I would like to say a few words today."


def voice_examples(folder: Path) -> dict[str, Path]:
    """One clip per interview voice saying words no interview holds (voice by example)."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        who: interview([(who, EXAMPLE_WORDS)], INTERVIEW_VOICES, folder / f"{who}.wav")[0]
        for who in INTERVIEW_VOICES
    }
