"""Visual QA plumbing with a tiny random-weight BLIP model built here (no VQA weights exist
on these machines): an answer string comes back for photos and video frames, captions
become timed segments, and without weights the feature says it is off and how to enable
it. Never a quality check."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.enrich.visual import caption_segments, visual_question
from assistant.errors import AssistantError
from assistant.models.vqa import TransformersVQA
from samples.media import debian_photo, debian_video
from tests.helpers.builders import asset_row

VOCAB = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "[DEC]",
    "what",
    "is",
    "in",
    "the",
    "picture",
    "a",
    "man",
    "ball",
    "street",
    "?",
    "how",
    "many",
    "people",
    "are",
    "there",
    "red",
    "blue",
    "walking",
    "two",
]


@pytest.fixture(scope="module")
def tiny_blip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1-layer BLIP VQA model with 32-wide towers and a 25-word BERT tokenizer."""
    from transformers import (
        BertTokenizer,
        BlipConfig,
        BlipForQuestionAnswering,
        BlipImageProcessor,
        BlipProcessor,
    )

    folder = tmp_path_factory.mktemp("tiny-blip")
    (folder / "vocab.txt").write_text("\n".join(VOCAB) + "\n")
    tokenizer = BertTokenizer(str(folder / "vocab.txt"), bos_token="[DEC]")
    tiny = {
        "hidden_size": 32,
        "num_hidden_layers": 1,
        "num_attention_heads": 2,
        "intermediate_size": 37,
    }
    config = BlipConfig(
        text_config={
            **tiny,
            "vocab_size": len(VOCAB),
            "max_position_embeddings": 64,
            "encoder_hidden_size": 32,
            "bos_token_id": 5,
            "pad_token_id": 0,
            "sep_token_id": 3,
        },
        vision_config={**tiny, "image_size": 32, "patch_size": 8},
        projection_dim=16,
    )
    import torch

    # Seeded: random weights of another draw can generate only special tokens, and an
    # empty answer failed the test now and then.
    torch.manual_seed(0)
    BlipForQuestionAnswering(config).save_pretrained(folder)
    processor = BlipProcessor(
        image_processor=BlipImageProcessor(size={"height": 32, "width": 32}),
        tokenizer=tokenizer,
    )
    processor.save_pretrained(folder)
    return folder


@pytest.fixture
def archive_with_media(test_settings, tiny_blip: Path):
    archive = Archive.open(
        test_settings,
        model_overrides={"vqa": TransformersVQA(tiny_blip, threads=1, max_new_tokens=5)},
    )
    photo, video = debian_photo("messi5.jpg"), debian_video("vtest.avi")
    for asset in (
        asset_row(photo.parent, photo.name, "image", "a" * 16),
        asset_row(video.parent, video.name, "video", "b" * 16, duration_s=80.0),
    ):
        archive.catalog.put_asset(asset)
    yield archive
    archive.close()


def test_tiny_model_answers_and_captions(tiny_blip: Path) -> None:
    vqa = TransformersVQA(tiny_blip, threads=1, max_new_tokens=5)
    picture = Image.open(debian_photo("fruits.jpg"))
    answer = vqa.answer(picture, "what is in the picture?")
    assert isinstance(answer, str) and answer
    assert set(answer.replace("?", " ").split()) <= set(VOCAB)
    assert isinstance(vqa.caption(picture), str)


def test_visual_question_about_photo_and_video_frame(archive_with_media: Archive) -> None:
    assert visual_question(archive_with_media, "a" * 16, "how many people are there?")
    assert visual_question(archive_with_media, "b" * 16, "what is in the street?", at_s=12.5)
    with pytest.raises(AssistantError, match=r"no frame at 95\.0"):
        visual_question(archive_with_media, "b" * 16, "what is there?", at_s=95.0)
    with pytest.raises(AssistantError, match="No asset"):
        visual_question(archive_with_media, "c" * 16, "what is there?")


def test_captions_become_timed_text_segments(archive_with_media: Archive) -> None:
    frames = [
        (Image.open(debian_photo("fruits.jpg")), 0.0, 4.0),
        (Image.open(debian_photo("messi5.jpg")), 4.0, 9.0),
    ]
    asset = archive_with_media.catalog.get_asset("b" * 16)
    assert asset is not None
    segments = caption_segments(archive_with_media.models, asset, frames)
    assert segments and all(s.kind == "caption" and s.text for s in segments)
    assert segments[0].segment_id == f"{'b' * 16}:caption:0"
    assert segments[0].start_s == 0.0 and segments[-1].end_s == 9.0


def test_without_weights_visual_questions_say_how_to_enable(test_settings) -> None:
    archive = Archive.open(test_settings)
    photo = debian_photo("messi5.jpg")
    asset = asset_row(photo.parent, photo.name, "image", "a" * 16)
    archive.catalog.put_asset(asset)
    try:
        with pytest.raises(AssistantError) as raised:
            visual_question(archive, "a" * 16, "what is in the picture?")
        assert "off" in raised.value.message
        assert "ASSISTANT_MODELS__VQA__PATH" in (raised.value.hint or "")
        assert caption_segments(archive.models, asset, [(Image.open(photo), None, None)]) == []
    finally:
        archive.close()


def test_vqa_path_setting_loads_the_model_through_the_provider(
    tiny_blip: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_MODELS__VQA__BACKEND", "transformers-vqa")
    monkeypatch.setenv("ASSISTANT_MODELS__VQA__PATH", str(tiny_blip))
    archive = Archive.open(load_settings("test", data_dir=data_dir))
    try:
        assert archive.models.available("vqa")
        vqa = archive.models.vqa()
        assert isinstance(vqa, TransformersVQA)
        assert isinstance(vqa.answer(Image.open(debian_photo("fruits.jpg")), "what is it?"), str)
    finally:
        archive.close()


def test_ocr_run_together_words_are_split_but_names_are_kept() -> None:
    from assistant.enrich.ocr import split_run_together

    assert split_run_together("BRIDGECLOSED after FLOODWARNING") == (
        "BRIDGE CLOSED after FLOOD WARNING"
    )
    assert split_run_together("PRIMEMINISTERRESIGNSAFTERVOTE") == (
        "PRIME MINISTER RESIGNS AFTER VOTE"
    )
    # Real single words and rare names stay whole.
    for kept in ("Commissioner Kowalczykowa", "Schwarzenegger", "councillors", "Leuvenstraat"):
        assert split_run_together(kept) == kept
