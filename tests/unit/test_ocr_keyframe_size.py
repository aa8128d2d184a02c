"""Keyframes are read at their own size (the detector never upscales them); photos keep
RapidOCR's upscaling for small print. Analysers without a model role are kept by the
archive's ModelProvider, so a second ingest run does not load them again."""

from __future__ import annotations

from assistant.config import load_settings
from assistant.enrich.ocr import KEYFRAME_MAX_SIDE, detector_options
from assistant.models.provider import ModelProvider


def test_photos_keep_the_detectors_upscaling_defaults() -> None:
    assert detector_options(upscale=True) == {}


def test_keyframes_are_only_ever_shrunk_never_upscaled() -> None:
    options = detector_options(upscale=False)
    # "max": the longer side is capped; a smaller picture keeps its size.
    assert options == {"det_limit_type": "max", "det_limit_side_len": KEYFRAME_MAX_SIDE}
    assert KEYFRAME_MAX_SIDE >= 512  # the decoder's keyframes are not shrunk either


def test_provider_builds_a_kept_analyser_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    provider = ModelProvider(load_settings("test", data_dir=tmp_path).models)
    builds: list[int] = []

    def build() -> object:
        builds.append(1)
        return object()

    first = provider.kept("ocr", build)
    assert provider.kept("ocr", build) is first
    assert len(builds) == 1
    assert provider.kept("labels", build) is not first
    assert len(builds) == 2
