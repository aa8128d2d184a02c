"""Real media for sound-event and object-label tests: Debian sound-theme-freedesktop
sounds, opencv-doc and mate-backgrounds photos, and a street video (opencv-doc vtest.avi)
with a telephone ringing on its soundtrack at a known time, a silent clip of it with a
burned-in headline; plus the text queries that
should find each file (what a journalist would type, not the model's label verbatim).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from samples.media import (
    MissingSampleMedia,
    captioned_street,
    debian_photo,
    debian_video,
    ffmpeg,
)

FREEDESKTOP = Path("/usr/share/sounds/freedesktop/stereo")
# (file, query): each sound and how one would ask for it.
SOUNDS = [
    ("phone-incoming-call.oga", "telephone ringing"),
    ("alarm-clock-elapsed.oga", "alarm clock going off"),
    ("camera-shutter.oga", "camera shutter click"),
    ("trash-empty.oga", "paper crumpling"),
    ("phone-outgoing-busy.oga", "busy signal on the phone line"),
    ("service-login.oga", "a short piece of music"),
]
PHOTOS = [
    ("baboon.jpg", "a baboon"),
    ("fruits.jpg", "lemons and oranges"),
    ("apple.jpg", "a green apple"),
    ("butterfly.jpg", "butterfly"),
    ("messi5.jpg", "football"),
    ("LadyBird.jpg", "a ladybird beetle"),
    ("FreshFlower.jpg", "daisy flower"),
    ("board.jpg", "circuit board modem"),
]
# The soundtrack's ringing starts here (seconds) in the street video.
RING_AT_S = 6.0
VIDEO_S = 12.0
HEADLINE = "BRIDGE CLOSED IN RENNES AFTER STORM"
# The silent clip shows the headline from 1 s to its end (8 s).
HEADLINE_FROM_S, SILENT_S = 1.0, 8.0


@dataclass
class SensesArchive:
    root: Path
    # query -> the file (relative to root) it should find
    sound_queries: dict[str, str] = field(default_factory=dict)
    label_queries: dict[str, str] = field(default_factory=dict)
    video: str = "video/street_phone.mp4"
    silent: str = "video/silent_headline.mp4"


def freedesktop_sound(name: str) -> Path:
    path = FREEDESKTOP / name
    if not path.is_file():
        raise MissingSampleMedia(
            f"Sound '{name}' not found in {FREEDESKTOP}. Install it with `apt-get install "
            "sound-theme-freedesktop`."
        )
    return path


def street_with_phone(target: Path) -> Path:
    """VIDEO_S seconds of vtest.avi with the incoming-call ring mixed in at RING_AT_S."""
    ring = freedesktop_sound("phone-incoming-call.oga")
    delay_ms = int(RING_AT_S * 1000)
    ffmpeg(
        "-i",
        str(debian_video("vtest.avi")),
        "-i",
        str(ring),
        "-t",
        str(VIDEO_S),
        "-filter_complex",
        f"[1:a]adelay={delay_ms}|{delay_ms},apad[a]",
        "-map",
        "0:v",
        "-map",
        "[a]",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-t",
        str(VIDEO_S),
        str(target),
    )
    return target


def silent_headline(target: Path) -> Path:
    """SILENT_S seconds of vtest.avi, no sound track, HEADLINE burned in from
    HEADLINE_FROM_S: only on-screen text can find it."""
    return captioned_street(target, HEADLINE, SILENT_S, f"gte(t,{HEADLINE_FROM_S})", 30)


def build_senses_archive(root: Path) -> SensesArchive:
    archive = SensesArchive(root)
    (root / "sounds").mkdir(parents=True, exist_ok=True)
    (root / "photos").mkdir(exist_ok=True)
    (root / "video").mkdir(exist_ok=True)
    for name, query in SOUNDS:
        shutil.copy(freedesktop_sound(name), root / "sounds" / name)
        archive.sound_queries[query] = f"sounds/{name}"
    for name, query in PHOTOS:
        shutil.copy(debian_photo(name), root / "photos" / name)
        archive.label_queries[query] = f"photos/{name}"
    street_with_phone(root / archive.video)
    silent_headline(root / archive.silent)
    return archive


def another_take(source: Path, target: Path, seed: int, noise_dbfs: float = -60.0) -> Path:
    """The same sound again, as an upload for sound by example: 70 % as loud, 0.4 s later
    in the clip, over white noise at `noise_dbfs` (a 16 kHz WAV)."""
    import numpy as np
    import soundfile

    from assistant.media.decode import load_audio_16k

    samples = load_audio_16k(source)
    lead = np.zeros(int(0.4 * 16_000), dtype=np.float32)
    take = np.concatenate([lead, 0.7 * samples, lead])
    noise = np.random.default_rng(seed).normal(0, 10 ** (noise_dbfs / 20), take.size)
    soundfile.write(str(target), (take + noise).astype(np.float32), 16_000)
    return target
