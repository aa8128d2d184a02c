"""Sound events and object labels during extraction: the few lines between the ingest's
ExtractContext and the analysers in assistant/enrich (sound.py, labels.py).

Each analyser is optional and built on first use by IngestModels (`sound_tagger`,
`object_labeler`); None means it is off in settings or its weights are missing (said
once per run). Both return ordinary text segments, embedded and FTS-indexed with the
asset's other text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
from PIL import Image

from assistant.enrich.labels import label_segments
from assistant.enrich.pictures import timed_pictures
from assistant.enrich.sound import timed_sounds
from assistant.models.object_labels import ObjectLabeler
from assistant.models.sound_events import SoundTagger
from assistant.schemas import Asset, Segment

T = TypeVar("T")


def _built(factory: Callable[[], T | None] | None) -> T | None:
    return factory() if factory is not None else None


def picture_labels(
    asset: Asset,
    visual: Sequence[Segment],
    pictures: Mapping[str, Image.Image],
    labeler: Callable[[], ObjectLabeler | None] | None,
    stage: Callable[[str], Any],
) -> list[Segment]:
    """ "label" segments for a photo or a video's keyframes."""
    timed = timed_pictures(visual, pictures)
    model = _built(labeler) if timed else None
    if model is None:
        return []
    with stage("labels"):
        return label_segments(asset.asset_id, timed, model)


def sound_events(
    asset: Asset,
    samples_16k: np.ndarray | None,
    tagger: Callable[[], SoundTagger | None] | None,
    stage: Callable[[str], Any],
) -> tuple[list[Segment], dict[str, np.ndarray]]:
    """Timed "sound" segments for an audio file or a video's soundtrack, and their
    profiles for the "sound" vector space (sound by example)."""
    model = _built(tagger) if samples_16k is not None and samples_16k.size else None
    if model is None or samples_16k is None:
        return [], {}
    with stage("sound"):
        return timed_sounds(asset.asset_id, samples_16k, model, asset.duration_s)
