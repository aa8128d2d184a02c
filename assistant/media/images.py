"""Decoding pictures safely, and what we keep from them: EXIF facts, a perceptual hash
and a thumbnail."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from assistant.schemas import MetadataValue

# Frames and photos are kept at this size for CLIP, hashing and thumbnails: enough for all
# three, and it bounds memory when a video yields many keyframes.
WORK_PX = 512

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
TAG_MAKE, TAG_MODEL, TAG_DATETIME = 0x010F, 0x0110, 0x0132
TAG_DATETIME_ORIGINAL = 0x9003
TAG_ORIENTATION = 0x0112


class ImageError(ValueError):
    """The picture cannot be decoded; the message is the reason shown to users."""


class ImageTooLarge(ImageError):
    """The picture has more pixels than ingest.max_image_pixels allows."""


@dataclass
class LoadedImage:
    image: Image.Image  # upright RGB, at most WORK_PX on its long side
    exif: dict[int, Any]
    width: int  # of the original
    height: int


def open_image(path: Path, max_pixels: int) -> LoadedImage:
    """Decode a picture fully, upright, RGB, shrunk to WORK_PX; also return its raw EXIF.

    Refuses pictures over `max_pixels` (decompression bombs) before decoding them."""
    _allow_in_pil(max_pixels)
    try:
        with warnings.catch_warnings():
            # Between the limit and twice it PIL only warns; the check below refuses.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
        with image:
            pixels = image.width * image.height
            if pixels > max_pixels:
                raise ImageTooLarge(_too_large(image.width, image.height, max_pixels))
            exif = _raw_exif(image)
            width, height = _upright_size(image.size, exif)
            _draft(image)
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(
            f"image too large (a possible decompression bomb): {exc} Raise "
            "ingest.max_image_pixels if the picture is genuine."
        ) from exc
    except OSError as exc:
        raise ImageError(f"truncated or corrupt image: {exc}") from exc
    upright.thumbnail((WORK_PX, WORK_PX))
    return LoadedImage(upright, exif, width, height)


def _allow_in_pil(max_pixels: int) -> None:
    """Let PIL's process-wide bomb guard admit pictures up to `max_pixels`.

    The guard is one global (Image.MAX_IMAGE_PIXELS) shared by every caller in the process,
    so it is only ever raised, never lowered: a small limit set for one call (an upload
    check) once refused every later ordinary picture of other callers. Lower limits are
    enforced by open_image's own exact size check instead."""
    current = Image.MAX_IMAGE_PIXELS
    if current is not None and max_pixels > current:
        Image.MAX_IMAGE_PIXELS = max_pixels


def _draft(image: Image.Image) -> None:
    """Have a JPEG decode at 1/2, 1/4 or 1/8 scale (DCT scaling) when that still leaves
    WORK_PX on the long side: a 2560 x 1600 photo then decodes at 640 x 400, in a third of
    the time of the full picture it would shrink to 512 px anyway. Other formats ignore it."""
    long_side = max(image.size)
    if long_side > WORK_PX:
        w, h = image.size
        image.draft(None, (-(-w * WORK_PX // long_side), -(-h * WORK_PX // long_side)))


def _upright_size(size: tuple[int, int], exif: dict[int, Any]) -> tuple[int, int]:
    """The picture's size once turned upright (EXIF orientations 5-8 swap the sides)."""
    return (size[1], size[0]) if exif.get(TAG_ORIENTATION) in (5, 6, 7, 8) else size


def _too_large(width: int, height: int, max_pixels: int) -> str:
    return (
        f"image too large: {width}x{height} pixels exceeds ingest.max_image_pixels "
        f"({max_pixels}); a possible decompression bomb"
    )


def _raw_exif(image: Image.Image) -> dict[int, Any]:
    try:
        exif = image.getexif()
        merged: dict[int, Any] = dict(exif)
        merged.update(exif.get_ifd(EXIF_IFD))
        gps = exif.get_ifd(GPS_IFD)
        if gps:
            merged[GPS_IFD] = dict(gps)
        return merged
    except Exception:
        return {}


def exif_metadata(exif: dict[int, Any]) -> list[MetadataValue]:
    """Date taken, GPS position and camera, as metadata with source "exif"."""
    values: list[MetadataValue] = []
    taken = _exif_date(exif.get(TAG_DATETIME_ORIGINAL) or exif.get(TAG_DATETIME))
    if taken:
        values.append(MetadataValue(field="date", value=taken, source="exif"))
    camera = " ".join(
        str(exif[tag]).strip("\x00 ") for tag in (TAG_MAKE, TAG_MODEL) if exif.get(tag)
    )
    if camera:
        model = str(exif.get(TAG_MODEL, "")).strip("\x00 ")
        make = str(exif.get(TAG_MAKE, "")).strip("\x00 ")
        # Models usually repeat the make ("Canon" + "Canon EOS 5D").
        values.append(
            MetadataValue(
                field="camera",
                value=model if make and model.startswith(make) else camera,
                source="exif",
            )
        )
    position = gps_position(exif.get(GPS_IFD) or {})
    if position:
        lat, lon = position
        values += [
            MetadataValue(field="latitude", value=lat, source="exif"),
            MetadataValue(field="longitude", value=lon, source="exif"),
            MetadataValue(field="gps", value=f"{lat:.5f},{lon:.5f}", source="exif"),
        ]
    return values


def _exif_date(raw: Any) -> str | None:
    if not raw:
        return None
    text = str(raw).strip("\x00 ")
    for pattern in ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y:%m:%d"):
        try:
            return datetime.strptime(text, pattern).isoformat()
        except ValueError:
            continue
    return None


def gps_position(gps: dict[int, Any]) -> tuple[float, float] | None:
    try:
        lat = _degrees(gps[2]) * (-1 if str(gps.get(1, "N")).upper() == "S" else 1)
        lon = _degrees(gps[4]) * (-1 if str(gps.get(3, "E")).upper() == "W" else 1)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return round(lat, 6), round(lon, 6)


def _degrees(dms: Any) -> float:
    degrees, minutes, seconds = (float(part) for part in dms)
    return degrees + minutes / 60 + seconds / 3600


def phash_hex(image: Image.Image) -> str:
    import imagehash

    return str(imagehash.phash(image))


def save_thumbnail(image: Image.Image, out: Path, px: int) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    thumb = image.copy()
    thumb.thumbnail((px, px))
    thumb.save(out, format="JPEG", quality=85)
    return out
