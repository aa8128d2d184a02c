"""Real photos of real people for face tests and calibration, cut from Debian's
opencv-doc documentation images (/usr/share/doc/opencv-doc/opencv4/html).

Each sample is one picture and the person it shows (a label we give; the same label is
the same person). Several pictures of one person:
- `yale`: lbp_yale.jpg's top row, one woman under four lightings (Yale Face Database B).
- `glasses`: example.jpg, a man photographed three times (the middle one carries a drawn
  face-tracking overlay).
- `messi`: messi5.jpg (a small face in an action shot) and the portrait in inpaint_result.jpg.
The other pictures each show someone else (grids of faces from landmark datasets,
face-detection screenshots, film stills, Lena, the Mona Lisa): they make the different-person pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from samples.media import MissingSampleMedia

OPENCV_HTML = Path("/usr/share/doc/opencv-doc/opencv4/html")
OPENCV_DATA = Path("/usr/share/doc/opencv-doc/examples/data")

Box = tuple[int, int, int, int]  # left, top, right, bottom


@dataclass(frozen=True)
class FaceSample:
    name: str  # file name to save it under
    person: str  # who it shows (same label = same person)
    source: Path
    box: Box | None = None  # the part of the source to cut out (None: all of it)

    def image(self) -> Image.Image:
        if not self.source.is_file():
            raise MissingSampleMedia(
                f"{self.source} is missing. Install it with `apt-get install opencv-doc`."
            )
        with Image.open(self.source) as opened:
            picture = opened.convert("RGB")
        return picture.crop(self.box) if self.box else picture


def _grid(
    prefix: str,
    source: str,
    columns: int,
    rows: int,
    size: tuple[int, int],
    skip: frozenset[int] = frozenset(),
) -> list[FaceSample]:
    """One sample per cell of a picture made of equal cells, each another person."""
    width, height = size
    cell_w, cell_h = width // columns, height // rows
    return [
        FaceSample(
            f"{prefix}_{r * columns + c:02d}.jpg",
            f"{prefix}_{r * columns + c:02d}",
            OPENCV_HTML / source,
            (c * cell_w, r * cell_h, (c + 1) * cell_w, (r + 1) * cell_h),
        )
        for r in range(rows)
        for c in range(columns)
        if r * columns + c not in skip
    ]


def yale_faces() -> list[FaceSample]:
    """The four lightings of lbp_yale.jpg (664 x 380: four 166 px columns, two rows; the
    second row is the same faces as LBP codes)."""
    return [
        FaceSample(
            f"yale_{i + 1}.jpg",
            "yale",
            OPENCV_HTML / "lbp_yale.jpg",
            (i * 166, 0, (i + 1) * 166, 190),
        )
        for i in range(4)
    ]


def same_person_samples() -> list[FaceSample]:
    html = OPENCV_HTML
    return [
        *yale_faces(),
        FaceSample("glasses_1.jpg", "glasses", html / "example.jpg", (0, 0, 387, 580)),
        FaceSample("glasses_2.jpg", "glasses", html / "example.jpg", (387, 0, 775, 580)),
        FaceSample("glasses_3.jpg", "glasses", html / "example.jpg", (775, 0, 1162, 580)),
        FaceSample("messi_1.jpg", "messi", OPENCV_DATA / "messi5.jpg"),
        FaceSample("messi_2.jpg", "messi", html / "inpaint_result.jpg", (0, 0, 225, 168)),
    ]


def other_people_samples() -> list[FaceSample]:
    html = OPENCV_HTML
    return [
        FaceSample("lena.jpg", "lena", html / "resimg.jpg", (0, 0, 460, 430)),
        FaceSample("mona_lisa.jpg", "mona_lisa", html / "julia_facedetect_sample.jpg"),
        FaceSample("blonde.jpg", "blonde", html / "12.jpg", (0, 0, 539, 512)),
        FaceSample("film_still.jpg", "film_still", html / "05.jpg", (0, 0, 539, 512)),
        FaceSample("webcam.jpg", "webcam", html / "Cascade_Classifier_Tutorial_Result_Haar.jpg"),
        FaceSample("necklace.jpg", "necklace", html / "227943776_1.jpg"),
        FaceSample("goatee.jpg", "goatee", html / "230501201_1.jpg"),
        FaceSample("landmarks_woman.jpg", "landmarks_woman", html / "ab.jpg"),
        FaceSample("landmarks_man.jpg", "landmarks_man", html / "ab-1.jpg"),
        *_grid("facereg", "facereg.jpg", 2, 2, (200, 200)),
        *_grid("grid24", "2.jpg", 8, 3, (730, 276)),
        *_grid("grid12", "3.jpg", 6, 2, (415, 139)),
    ]


def face_samples() -> list[FaceSample]:
    return [*same_person_samples(), *other_people_samples()]


def write_samples(folder: Path, samples: list[FaceSample]) -> dict[str, str]:
    """Save the samples as JPEG files; file name -> person."""
    folder.mkdir(parents=True, exist_ok=True)
    for sample in samples:
        sample.image().save(folder / sample.name, quality=92)
    return {sample.name: sample.person for sample in samples}


def slideshow(
    out: Path,
    stills: list[tuple[Image.Image, float]],
    size: tuple[int, int] = (640, 480),
    fps: int = 10,
) -> Path:
    """An H.264 video of still pictures shown one after another (picture, seconds), each
    letterboxed on black: the cuts between them are shot changes, so each still becomes a
    keyframe starting at a known time."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        inputs: list[str] = []
        for i, (picture, seconds) in enumerate(stills):
            frame = Image.new("RGB", size)
            fitted = picture.convert("RGB")
            fitted.thumbnail(size)
            frame.paste(fitted, ((size[0] - fitted.width) // 2, (size[1] - fitted.height) // 2))
            frame.save(Path(tmp) / f"{i}.png")
            inputs += [
                "-loop",
                "1",
                "-t",
                f"{seconds}",
                "-framerate",
                str(fps),
                "-i",
                str(Path(tmp) / f"{i}.png"),
            ]
        chain = "".join(f"[{i}:v]" for i in range(len(stills)))
        done = subprocess.run(
            [
                "ffmpeg",
                "-nostdin",
                "-y",
                "-loglevel",
                "error",
                *inputs,
                "-filter_complex",
                f"{chain}concat=n={len(stills)}:v=1:a=0,format=yuv420p[v]",
                "-map",
                "[v]",
                "-c:v",
                "libx264",
                "-r",
                str(fps),
                str(out),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"ffmpeg failed: {done.stderr[-600:]}")
    return out
