"""Perceptual-hash near duplicates: works with no CLIP weights at all.

Two passes:
1. The query's pHash against every indexed visual segment's pHash (catalog.phashes):
   resized, re-encoded and lightly edited copies, and frames grabbed from a video, land
   within a few bits of their source.
2. Crops defeat a whole-image hash (a 20 % crop of a Debian photo is 22 bits away, about
   as far as an unrelated photo). So the query is also compared with windows of its
   shape slid over each candidate's thumbnail at several scales, and each thumbnail with
   windows slid over the query (an archive copy may be the cropped one); a crop lines up
   with one of them (figures beside WINDOW_SCALES). This pass reads thumbnails (a few ms
   each), so it covers the WINDOW_CANDIDATES nearest whole-image hashes only, within a
   time budget per query (WINDOW_BUDGET_S).
The hashes are one packed uint64 array (hash_index.py), kept by the engine.
"""

from __future__ import annotations

import time
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from assistant.schemas import Hit
from assistant.similarity import calibration
from assistant.similarity.hash_index import HashIndex, parse_hex
from assistant.store.lookup import SegmentLookup

if TYPE_CHECKING:
    import imagehash

SIGNAL = "phash"
# Window search: scales (share of the thumbnail's width or height) on a 5 x 5 grid, then
# a local refinement around the 3 best windows. Measured on 48 random 50-90 % crops of 8
# Debian photos against 14 photos: 85 % of crops within 10 bits of their source, the
# closest unrelated photo 12 bits (next 14) — hence WINDOW_MAX_DISTANCE = 10.
WINDOW_SCALES = (0.95, 0.85, 0.75, 0.65, 0.55, 0.45)
WINDOW_STEPS = 5
WINDOW_REFINE_BEST = 3
WINDOW_MAX_DISTANCE = 10
# The window pass reads one thumbnail and hashes ~350 windows per candidate (~10-20 ms on
# a busy core): the WINDOW_SURE nearest always, then more, up to WINDOW_CANDIDATES, while
# the pass has taken less than WINDOW_BUDGET_S (a bounded cost per query, and the same
# result on a small archive however busy the machine is).
WINDOW_CANDIDATES = 24
WINDOW_SURE = 8
WINDOW_BUDGET_S = 0.2
THUMB_PX = 320  # the query is shrunk like the stored thumbnails before window search

Box = tuple[int, int, int, int]  # x, y, width, height


def hash_image(image: Image.Image) -> imagehash.ImageHash:
    # imagehash and scipy load here, not at import: a text search never needs them, and
    # they were a second of every cold `assistant search`.
    import imagehash

    return imagehash.phash(image.convert("RGB"))


def hamming(query: imagehash.ImageHash, hashes_hex: list[str]) -> np.ndarray:
    """Bit distances between one 64-bit hash and many (hex strings; an unreadable one is
    64 bits off), vectorised."""
    values, readable = parse_hex(hashes_hex)
    found = np.bitwise_count(values ^ np.uint64(int(str(query), 16))).astype(np.int64)
    found[~readable] = 64
    return found


def region_hashes(gray: Image.Image, boxes: list[Box]) -> np.ndarray:
    """pHash bits (n, 64) of regions of a grayscale picture, one batched DCT.

    Same recipe as imagehash.phash (32 x 32, DCT, 8 x 8 low frequencies > median), but the
    regions are resized straight from the picture (PIL's box argument) and transformed
    together: hundreds of windows per thumbnail cost a few milliseconds.
    """
    stack = np.stack(
        [
            np.asarray(
                gray.resize((32, 32), Image.Resampling.BOX, box=(x, y, x + w, y + h)),
                dtype=np.float32,
            )
            for x, y, w, h in boxes
        ]
    )
    from scipy.fft import dctn

    low = dctn(stack, axes=(1, 2), type=2)[:, :8, :8].reshape(len(boxes), 64)
    return low > np.median(low, axis=1, keepdims=True)


def grid_boxes(size: tuple[int, int], aspect: float) -> list[Box]:
    """Windows of the query's aspect ratio on a grid, at several scales."""
    width, height = size
    boxes: list[Box] = []
    for scale in WINDOW_SCALES:
        w, h = scale * width, scale * width / aspect
        if h > height:
            w, h = scale * height * aspect, scale * height
        w_px, h_px = int(w), int(h)
        if w_px < 16 or h_px < 16:
            continue
        for i in range(WINDOW_STEPS):
            for j in range(WINDOW_STEPS):
                boxes.append(
                    (
                        int((width - w_px) * i / (WINDOW_STEPS - 1)),
                        int((height - h_px) * j / (WINDOW_STEPS - 1)),
                        w_px,
                        h_px,
                    )
                )
    return boxes


def nearby_boxes(box: Box, size: tuple[int, int]) -> list[Box]:
    """Slightly shifted and rescaled copies of a window (the refinement step)."""
    width, height = size
    x, y, w, h = box
    found = []
    for factor in (0.93, 1.0, 1.07):
        w2, h2 = int(w * factor), int(h * factor)
        if w2 > width or h2 > height or min(w2, h2) < 16:
            continue
        for dx in (-0.06, 0.0, 0.06):
            for dy in (-0.06, 0.0, 0.06):
                x2 = min(max(0, int(x + dx * width + (w - w2) / 2)), width - w2)
                y2 = min(max(0, int(y + dy * height + (h - h2) / 2)), height - h2)
                found.append((x2, y2, w2, h2))
    return found


def window_distance(container: Image.Image, target_bits: np.ndarray, aspect: float) -> int:
    """Fewest differing bits between `target_bits` and any window of `container` (gray)."""
    boxes = grid_boxes(container.size, aspect)
    if not boxes:
        return 64
    distances = np.count_nonzero(region_hashes(container, boxes) != target_bits, axis=1)
    refined = [
        near
        for i in np.argsort(distances)[:WINDOW_REFINE_BEST]
        for near in nearby_boxes(boxes[i], container.size)
    ]
    if refined:
        near = np.count_nonzero(region_hashes(container, refined) != target_bits, axis=1)
        return int(min(distances.min(), near.min()))
    return int(distances.min())


class CropMatcher:
    """Crop matching in both directions between the query and stored thumbnails: the
    query may be a crop of an archive picture, or an archive picture a crop of it."""

    def __init__(self, image: Image.Image) -> None:
        small = image.convert("L")
        small.thumbnail((THUMB_PX, THUMB_PX))
        self.gray = small
        self.aspect = small.width / max(1, small.height)
        self.bits = whole_bits(small)

    def distance(self, thumbnail: Path) -> int:
        try:
            with Image.open(thumbnail) as opened:
                other = opened.convert("L")
        except (OSError, ValueError):
            return 64
        query_inside = window_distance(other, self.bits, self.aspect)
        other_inside = window_distance(
            self.gray, whole_bits(other), other.width / max(1, other.height)
        )
        return min(query_inside, other_inside)


def whole_bits(gray: Image.Image) -> np.ndarray:
    return region_hashes(gray, [(0, 0, gray.width, gray.height)])[0]


def near_duplicate_hits(
    lookup: SegmentLookup,
    image: Image.Image,
    k: int,
    asset_ids: AbstractSet[str] | None,
    thumbnail_root: Path,
    hashes: HashIndex | None = None,
) -> list[Hit]:
    """Visual segments that are copies or crops of `image` (or it of them), closest first.

    `hashes` is the engine's packed hash array (read from the catalog when not given)."""
    if hashes is None:
        hashes = HashIndex()
    hashes.refresh(lookup.catalog)
    if not hashes.segment_ids:
        return []
    distances = hashes.distances(int(str(hash_image(image)), 16), asset_ids)
    close_rows = np.flatnonzero(distances <= calibration.PHASH_MAX_DISTANCE)
    close_rows = close_rows[np.argsort(distances[close_rows], kind="stable")]
    close = [(hashes.segment_ids[i], int(distances[i]), False) for i in close_rows]
    # Crops of one picture still share more of the whole-image hash than strangers do,
    # so the nearest stored hashes are the best candidates for the window pass.
    already = {segment_id for segment_id, _, _ in close}
    candidates = [
        hashes.segment_ids[i]
        for i in _nearest(distances, WINDOW_CANDIDATES)
        if distances[i] < 64 and hashes.segment_ids[i] not in already
    ]
    close += _window_matches(lookup, CropMatcher(image), candidates, thumbnail_root)
    close.sort(key=lambda item: calibration.phash_similarity(item[1], window=item[2]), reverse=True)
    scored = [
        (
            segment_id,
            calibration.phash_similarity(distance, window=window),
            f"near-duplicate ({'crop, ' if window else ''}phash distance {distance})",
        )
        for segment_id, distance, window in close[:k]
    ]
    return lookup.hits(scored, SIGNAL)


def _nearest(distances: np.ndarray, n: int) -> np.ndarray:
    """Rows of the n smallest distances, nearest first (ties in stored order)."""
    if len(distances) > n:
        cut = np.partition(distances, n - 1)[n - 1]
        rows = np.flatnonzero(distances <= cut)
    else:
        rows = np.arange(len(distances))
    return rows[np.argsort(distances[rows], kind="stable")][:n]


def _window_matches(
    lookup: SegmentLookup,
    matcher: CropMatcher,
    segment_ids: list[str],
    thumbnail_root: Path,
) -> list[tuple[str, int, bool]]:
    segments = lookup.segments(segment_ids)
    found = []
    started = time.perf_counter()
    for tried, segment_id in enumerate(segment_ids):
        if tried >= WINDOW_SURE and time.perf_counter() - started > WINDOW_BUDGET_S:
            break  # bounded per query: the nearest candidates were tried first
        segment = segments.get(segment_id)
        if segment is None or not segment.thumbnail:
            continue
        distance = matcher.distance(resolve_thumbnail(segment.thumbnail, thumbnail_root))
        if distance <= WINDOW_MAX_DISTANCE:
            found.append((segment_id, distance, True))
    return found


def resolve_thumbnail(thumbnail: str, root: Path) -> Path:
    """Thumbnails are stored absolute, or relative to the data dir."""
    path = Path(thumbnail)
    return path if path.is_absolute() else root / path
