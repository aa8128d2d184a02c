"""The image query modality: a picture -> near duplicates (pHash), the same faces, and
CLIP image-tower neighbours among photos and video frames (the "visual" space)."""

from __future__ import annotations

from pathlib import Path

import filetype

from assistant.retrieval.faces import SIGNAL as FACE_SIGNAL
from assistant.retrieval.faces import face_hits
from assistant.retrieval.meaning import CLIP_IMAGE_SIGNAL
from assistant.retrieval.query_media import load_query_image
from assistant.retrieval.query_modality import QueryModality
from assistant.retrieval.query_run import QueryRun
from assistant.schemas import Hit
from assistant.similarity.near_duplicates import SIGNAL as PHASH_SIGNAL
from assistant.similarity.near_duplicates import near_duplicate_hits


def is_image(path: Path) -> bool:
    """A picture, by content."""
    guess = filetype.guess(str(path))
    return guess is not None and guess.mime.startswith("image/")


def image_rankings(run: QueryRun, path: Path) -> dict[str, list[Hit]]:
    engine = run.engine
    image = load_query_image(path, engine.config.ingest.max_image_pixels)
    n, lookup, allowed = run.candidates, run.lookup, run.allowed
    # Visual segments (phashes, the visual space) exist only for images and videos.
    rankings = {
        PHASH_SIGNAL: near_duplicate_hits(
            lookup, image, n, allowed, engine.config.data_dir, engine.hashes
        ),
    }
    faces = face_hits(engine.faces(), engine.models.faces, lookup, image, n, allowed)
    if faces.hits:
        rankings[FACE_SIGNAL] = faces.hits
    run.outcome.notices += faces.notices
    clip = run.engine.clip_model(run.outcome)
    if clip is not None:
        vector = clip.encode_images([image])[0]
        rankings[CLIP_IMAGE_SIGNAL] = run.engine.visual_hits(
            lookup, vector, n, allowed, CLIP_IMAGE_SIGNAL
        )
    return rankings


IMAGE = QueryModality(
    name="image",
    noun="image",
    spaces=("visual", "phash", "faces"),
    rank=image_rankings,
    recognise=is_image,
    option_help="Find this picture, or copies.",
    tool_help="Find photos and video moments that look like the image the user uploaded "
    "this turn (same scene, same person, near-duplicates). Use it whenever an image was "
    "uploaded. Takes no file argument: it uses the upload.",
    mcp_help="Find a picture on this machine (full path) in the archive: copies, crops, "
    "near-duplicates and video moments showing it.",
    first_question="Where does this picture, or one like it, appear in the archive? "
    "Name the file and cite it.",
    formats="JPEG, PNG, WebP, GIF, TIFF",
    widget="image",
    app_label="Photo: find it and near-copies",
    accepts=("image",),
)
