"""Visual questions about a photo or a video frame, and captions at ingest time.

Both go through `archive.models.vqa()` (a BLIP-style transformers model). No such weights
ship in any package, so on a machine without them the feature is off and says how to
turn it on, instead of failing somewhere deep in transformers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from assistant.archive import Archive
from assistant.enrich.pictures import TimedPicture, text_segments
from assistant.errors import AssistantError
from assistant.models.provider import ModelProvider
from assistant.schemas import Asset, Segment

VQA_OFF_MESSAGE = "Visual questions are off: no visual question-answering model is available."
VQA_OFF_HINT = (
    "Set models.vqa.path (or ASSISTANT_MODELS__VQA__PATH) to a local BLIP VQA model folder "
    "(e.g. Salesforce/blip-vqa-base saved with save_pretrained) with models.vqa.backend "
    "'transformers-vqa', or run `assistant models pull --download` on a connected machine."
)


def vqa_available(models: ModelProvider) -> bool:
    return models.available("vqa")


def require_vqa(models: ModelProvider) -> None:
    if not vqa_available(models):
        raise AssistantError(VQA_OFF_MESSAGE, hint=VQA_OFF_HINT)


def picture_of(asset: Asset, at_s: float | None) -> Image.Image:
    """The photo itself, or the video frame at `at_s` (the middle when not given)."""
    from assistant.media.decode import MediaDecodeError, frame_at

    if asset.kind == "image":
        try:
            with Image.open(asset.path) as image:
                return image.convert("RGB")
        except OSError as exc:
            raise AssistantError(
                f"Cannot open {asset.rel_path}: {exc}",
                hint="Re-ingest the archive if the file moved.",
            ) from exc
    if asset.kind != "video":
        raise AssistantError(
            f"{asset.rel_path} is {asset.kind}, not a picture.",
            hint="Ask visual questions about an image, or a video at a time (at_s).",
        )
    when = at_s if at_s is not None else (asset.duration_s or 0.0) / 2
    if asset.duration_s is not None and not 0.0 <= when <= asset.duration_s:
        raise AssistantError(
            f"{asset.rel_path} lasts {asset.duration_s:.1f} s; there is no frame at {when:.1f} s.",
            hint="Give a time inside the video.",
        )
    try:
        return frame_at(Path(asset.path), when)
    except (MediaDecodeError, OSError) as exc:
        raise AssistantError(
            f"Cannot decode a frame of {asset.rel_path} at {when:.1f} s: {exc}",
            hint="Check the file still plays; re-ingest it if it moved.",
        ) from exc


def visual_question(
    archive: Archive, asset_id: str, question: str, at_s: float | None = None
) -> str:
    """Answer `question` about an image, or about a video's frame at `at_s` seconds."""
    if not question.strip():
        raise AssistantError(
            "The visual question is empty.", hint="Ask something about the picture."
        )
    asset = archive.catalog.get_asset(asset_id)
    if asset is None:
        raise AssistantError(
            f"No asset {asset_id} in the archive.", hint="Use an asset id from a search result."
        )
    require_vqa(archive.models)
    return archive.models.vqa().answer(picture_of(asset, at_s), question.strip())


def caption_segments(
    models: ModelProvider, asset: Asset, images: Sequence[TimedPicture]
) -> list[Segment]:
    """Segments of kind "caption", indexed as text so words find pictures even without
    CLIP. Returns nothing when no VQA model is available (ingest checks first and says
    so in its report: ingest/models.py CAPTIONS_OFF)."""
    if not vqa_available(models):
        return []
    model = models.vqa()
    texts = [(model.caption(picture), start_s, end_s) for picture, start_s, end_s in images]
    return text_segments(asset.asset_id, "caption", texts)
