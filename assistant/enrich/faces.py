"""Faces in a picture: boxes, 128-d encodings and a face thumbnail (image in, faces out).

Pure functions over a FaceModel (models/faces.py): nothing here touches the catalog, so
ingest can run them in a worker process. Storing and clustering: store/faces.py and
enrich/people.py.

Thresholds (Euclidean distance between dlib encodings), measured on the opencv-doc face
set in samples/faces.py (58 photos, 56 with a face found; 10 same-person
and 1,530 different-person pairs; bench/faces.py prints the figures): the same-person
pairs of clean photos lie at 0.10-0.31, the two photos of Messi (a 37 px face in an action
shot and a portrait) at 0.56; the closest different people are two girls in photos
overlaid with landmark dots at 0.44, then 0.50. Share of different-person pairs within a
threshold: 0 at 0.40, 0.07 % at 0.45, 0.2 % at 0.50, 0.9 % at 0.55, 3.1 % at dlib's
customary 0.60 (which would join the Messi pair).
- SAME_PERSON = 0.45 joins faces into one person (clustering, naming): a wrong join
  names the wrong person, so it sits at the closest different-person pair, well under
  0.6.
- MATCH = 0.50: search by face reports faces up to this distance, scored 1 at 0.30, 0.5
  at SAME_PERSON and 0 at MATCH; going to 0.55 found no more same-person photos here and
  4 x the strangers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from assistant.models.faces import DetectedFace, FaceModel

SAME_PERSON = 0.45
MATCH = 0.50
SURE = 0.30
# Detection runs on the picture shrunk to at most this many pixels, with the detector's
# 2x upsampling: faces down to about 40 px at that size are found, in 50-200 ms on 2 cores.
DETECT_MAX_PIXELS = 500_000
# HOG misses a face that fills the whole frame (a passport-style crop): a small picture
# with no face is tried again with a border around it.
PAD_BELOW_PX = 400
PAD_SHARE = 0.25
# That retry looks for one big face, which HOG's 80 px window finds without the 2x
# upsampling once the picture's short side is this long: 0.04 s instead of 0.16 s for a
# 512 x 320 photo without a face (most photos), the same faces found on the face set.
PAD_UPSAMPLE_BELOW_PX = 120
# From this short side on, a frame-filling face is >= 160 px: the retry first looks at the
# bordered picture at half size (0.01 s) and only where that sees a face runs at full size,
# whose boxes and encodings are kept (the same as without the look-ahead).
PAD_HALF_FIRST_PX = 320
# Faces smaller than this (pixels, in the original picture) are too blurry to encode well.
MIN_FACE_PX = 24
THUMB_PX = 160
THUMB_MARGIN = 0.35


@dataclass
class Face:
    """One face found in one picture."""

    # Box in the original picture's pixels: left, top, right, bottom.
    box: tuple[int, int, int, int]
    score: float
    encoding: np.ndarray
    thumbnail: Image.Image


def find_faces(model: FaceModel, picture: Image.Image) -> list[Face]:
    """Every face in the picture, largest first."""
    rgb = picture.convert("RGB")
    scale = min(1.0, (DETECT_MAX_PIXELS / max(1, rgb.width * rgb.height)) ** 0.5)
    small = (
        rgb
        if scale >= 1.0
        else rgb.resize(
            (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))),
            Image.Resampling.BILINEAR,
        )
    )
    found = [(f, 0) for f in model.detect(np.asarray(small), 1)]
    if not found and min(small.size) <= PAD_BELOW_PX:
        found = _bordered_faces(model, small)
    faces = [_face(rgb, detected, pad, scale) for detected, pad in found]
    faces = [f for f in faces if min(f.box[2] - f.box[0], f.box[3] - f.box[1]) >= MIN_FACE_PX]
    return sorted(faces, key=lambda f: (f.box[2] - f.box[0]) * (f.box[3] - f.box[1]), reverse=True)


def _bordered_faces(model: FaceModel, small: Image.Image) -> list[tuple[DetectedFace, int]]:
    """The retry for a face that fills the frame: the picture with a border around it."""
    pad = round(max(small.size) * PAD_SHARE)
    mean = tuple(int(v) for v in np.asarray(small).reshape(-1, 3).mean(axis=0))
    padded = ImageOps.expand(small, border=pad, fill=mean)
    if min(small.size) >= PAD_HALF_FIRST_PX and not model.detect(np.asarray(padded.reduce(2)), 0):
        return []
    upsample = 1 if min(small.size) < PAD_UPSAMPLE_BELOW_PX else 0
    return [(f, pad) for f in model.detect(np.asarray(padded), upsample)]


def _face(rgb: Image.Image, detected: DetectedFace, pad: int, scale: float) -> Face:
    left, top, right, bottom = ((v - pad) / scale for v in detected.box)
    box = (
        max(0, round(left)),
        max(0, round(top)),
        min(rgb.width, round(right)),
        min(rgb.height, round(bottom)),
    )
    return Face(
        box=box,
        score=detected.score,
        encoding=detected.encoding,
        thumbnail=face_thumbnail(rgb, box),
    )


def face_thumbnail(rgb: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    """The face with some margin, at most THUMB_PX a side."""
    left, top, right, bottom = box
    margin_x = (right - left) * THUMB_MARGIN
    margin_y = (bottom - top) * THUMB_MARGIN
    crop = rgb.crop(
        (
            max(0, round(left - margin_x)),
            max(0, round(top - margin_y)),
            min(rgb.width, round(right + margin_x)),
            min(rgb.height, round(bottom + margin_y)),
        )
    )
    crop.thumbnail((THUMB_PX, THUMB_PX))
    return crop


def save_thumbnail(face: Face, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    face.thumbnail.save(path, "JPEG", quality=85)
    return path


def distances(query: np.ndarray, encodings: np.ndarray) -> np.ndarray:
    """Euclidean distances from one encoding to many (rows), in one vectorised pass."""
    if encodings.size == 0:
        return np.zeros(0, dtype=np.float32)
    diff = encodings - query[None, :]
    return np.sqrt(np.einsum("ij,ij->i", diff, diff))


def match_score(distance: float) -> float:
    """Distance -> [0, 1]: 1 at SURE, 0.5 at SAME_PERSON, 0 at MATCH and beyond (two
    straight pieces, so the 'plausible' mark 0.5 sits at the clustering threshold)."""
    if distance <= SURE:
        return 1.0
    if distance <= SAME_PERSON:
        return 1.0 - 0.5 * (distance - SURE) / (SAME_PERSON - SURE)
    if distance <= MATCH:
        return 0.5 - 0.5 * (distance - SAME_PERSON) / (MATCH - SAME_PERSON)
    return 0.0


@dataclass
class FoundFace:
    """A face as ingest carries it from extraction to the store (plain, picklable data;
    the thumbnail is already written)."""

    face_id: str
    segment_id: str
    box: tuple[int, int, int, int]
    score: float
    encoding: np.ndarray
    thumbnail: str


def faces_in_pictures(
    model: FaceModel,
    asset_id: str,
    pictures: dict[str, Image.Image],
    folder: Path,
) -> list[FoundFace]:
    """Faces of an asset's pictures (segment_id -> photo or keyframe), thumbnails saved
    as folder/face_<n>.jpg, numbered across the asset."""
    found: list[FoundFace] = []
    for segment_id, picture in pictures.items():
        for face in find_faces(model, picture):
            n = len(found)
            thumb = save_thumbnail(face, folder / f"face_{n}.jpg")
            found.append(
                FoundFace(
                    f"{asset_id}:face:{n}",
                    segment_id,
                    face.box,
                    face.score,
                    face.encoding,
                    str(thumb),
                )
            )
    return found
