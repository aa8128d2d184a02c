"""Pure parts of retrieval: calibration, fusion, keywords, padding, speech alignment."""

from __future__ import annotations

from pathlib import Path

import imagehash
import pytest
from PIL import Image

from assistant.retrieval.clips import _Group, pad
from assistant.retrieval.fusion import fuse, rank_term
from assistant.retrieval.speech_align import align, normalise
from assistant.schemas import Asset, Hit, Segment, WordTiming
from assistant.similarity import calibration
from assistant.similarity.near_duplicates import WINDOW_MAX_DISTANCE, CropMatcher, hamming
from assistant.vocabulary.words import content_terms, fold, matched_terms


def hit(segment_id: str, signal: str, score: float) -> Hit:
    return Hit(
        segment_id=segment_id,
        asset_id=segment_id.split(":")[0],
        segment_kind="speech",
        signal=signal,
        score=score,
    )


def votes(**signals: list[tuple[str, float]]) -> dict[str, list[Hit]]:
    """Each signal's ranking, best first, from (segment id, score) pairs."""
    return {
        name: [hit(seg, name, score) for seg, score in ranked] for name, ranked in signals.items()
    }


def test_ramp_clamps_and_is_linear() -> None:
    assert calibration.ramp(0.1, 0.25, 0.75) == 0.0
    assert calibration.ramp(0.5, 0.25, 0.75) == pytest.approx(0.5)
    assert calibration.ramp(0.9, 0.25, 0.75) == 1.0
    with pytest.raises(ValueError):
        calibration.ramp(0.5, 0.7, 0.2)


def test_phash_similarity_falls_with_distance_and_discounts_windows() -> None:
    scores = [calibration.phash_similarity(d) for d in (0, 4, 8, 12, 30)]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == 1.0 and scores[-1] == 0.0
    assert calibration.phash_similarity(4, window=True) < calibration.phash_similarity(4)


def test_rank_term_equals_score_at_rank_one_and_decays() -> None:
    assert rank_term(0.8, 1, 60) == pytest.approx(0.8)
    assert rank_term(0.8, 10, 60) < rank_term(0.8, 2, 60) < 0.8


def test_fusion_rewards_agreement_and_stays_in_unit_interval() -> None:
    rankings = votes(
        keyword=[("a:speech:0", 0.8), ("b:speech:0", 0.9)],
        text_vector=[("b:speech:0", 0.9), ("c:speech:0", 0.9)],
    )
    fused = fuse(rankings, rrf_k=60)
    by_id = {entry.segment_id: entry for entry in fused}
    # b is found by both signals: it beats a (one top-ranked vote) and c (one vote).
    assert fused[0].segment_id == "b:speech:0"
    assert by_id["b:speech:0"].score > max(by_id["a:speech:0"].score, by_id["c:speech:0"].score)
    # c's only vote is at rank 2: discounted below its calibrated 0.9.
    assert by_id["c:speech:0"].score == pytest.approx(0.9 * 61 / 62)
    assert all(0.0 <= entry.score <= 1.0 for entry in fused)
    assert by_id["a:speech:0"].score == pytest.approx(0.8)  # rank 1 keeps its calibration


def test_a_signal_votes_once_per_segment() -> None:
    twice = votes(keyword=[("a:speech:0", 0.5), ("a:speech:0", 0.5)])
    assert fuse(twice, 60)[0].score == pytest.approx(0.5)


def test_exact_ties_go_to_the_clip_more_signals_agree_on() -> None:
    rankings = votes(
        keyword=[("doc:text:0", 1.0), ("radio:speech:1", 1.0)],
        speech_align=[("radio:speech:1", 1.0), ("tv:speech:0", 0.0)],
        text_vector=[("tv:speech:0", 0.0), ("pod:speech:0", 0.0)],
    )
    fused = {entry.segment_id: entry for entry in fuse(rankings, 60)}

    def group(segment_id: str) -> _Group:
        asset = Asset(
            asset_id=segment_id.split(":")[0], path="/x", root="/", rel_path="x", kind="audio"
        )
        return _Group(asset, [fused[segment_id]])

    doc, radio = group("doc:text:0"), group("radio:speech:1")
    assert doc.score == radio.score == 1.0
    assert (radio.agreement, doc.agreement) == (2, 1)
    # Zero-score hits are no evidence: they never reorder clips that scored nothing.
    assert group("tv:speech:0").agreement == group("pod:speech:0").agreement == 0


def test_content_terms_drop_stop_words_and_fold_suffixes() -> None:
    assert content_terms("What did the commissioner say about energy prices?") == [
        "commissioner",
        "energy",
        "prices",
    ]
    assert fold("prices") == fold("price")
    assert matched_terms(
        ["commissioner", "prices", "winter"], "The Commissioner said the price rises."
    ) == ["commissioner", "prices"]


def test_pad_widens_short_spans_and_clamps_to_duration() -> None:
    assert pad(10.0, 11.0, 4.0, 60.0) == (8.5, 12.5)
    assert pad(0.5, 1.0, 4.0, 60.0) == (0.0, 4.0)
    assert pad(59.0, 59.5, 4.0, 60.0) == (56.0, 60.0)
    assert pad(5.0, 20.0, 4.0, 15.0) == (5.0, 15.0)


def speech(index: int, start: float, end: float, text: str) -> Segment:
    words = text.split()
    step = (end - start) / len(words)
    return Segment.of(
        "v",
        "speech",
        index,
        start_s=start,
        end_s=end,
        text=text,
        words=[
            WordTiming(start_s=start + i * step, end_s=start + (i + 1) * step, text=w)
            for i, w in enumerate(words)
        ],
    )


TRANSCRIPT = [
    speech(0, 0.0, 5.0, "Good evening, here is the news."),
    speech(1, 5.0, 12.0, "The minister said taxes on fuel will rise in March next year."),
    speech(2, 12.0, 18.0, "In sport, the home team lost again."),
]


def test_alignment_finds_the_moment_an_excerpt_was_said() -> None:
    found = align("taxes on fuel will rise", TRANSCRIPT)
    assert found is not None
    assert found.segment_id == "v:speech:1"
    assert 6.5 <= found.start_s <= 7.5  # "taxes" is the 4th of 12 words in 5-12 s
    assert found.end_s <= 10.5
    assert found.ratio > 90


def test_alignment_tolerates_other_words_and_spans_segments() -> None:
    found = align(
        "he said that the fuel taxes rise in march next year. in sports the team", TRANSCRIPT
    )
    assert found is not None
    assert found.segment_id == "v:speech:1"
    assert found.end_s > 12.0  # runs on into the next segment
    unrelated = align("a recipe for chocolate cake with cherries", TRANSCRIPT)
    assert unrelated is not None and unrelated.ratio < found.ratio


def test_alignment_without_word_timings_falls_back_to_segment_span() -> None:
    bare = [s.model_copy(update={"words": []}) for s in TRANSCRIPT]
    found = align("taxes on fuel will rise", bare)
    assert found is not None
    assert (found.start_s, found.end_s) == (5.0, 12.0)
    assert normalise("Hello, World!") == "hello world"


PHOTOS = Path("/usr/share/doc/opencv-doc/examples/data")


def test_hamming_matches_imagehash_and_survives_bad_hashes() -> None:
    query = imagehash.phash(Image.open(PHOTOS / "messi5.jpg"))
    others = [str(imagehash.phash(Image.open(PHOTOS / n))) for n in ("messi5.jpg", "fruits.jpg")]
    expected = [query - imagehash.hex_to_hash(h) for h in others]
    assert list(hamming(query, [*others, "not-hex", "abc"])) == [*expected, 64, 64]


def test_crop_matcher_works_both_ways(tmp_path: Path) -> None:
    with Image.open(PHOTOS / "messi5.jpg") as opened:
        photo = opened.convert("RGB")
    w, h = photo.size
    thumb = photo.copy()
    thumb.thumbnail((320, 320))
    thumb.save(tmp_path / "whole.jpg")
    part = photo.crop((0, int(h * 0.2), int(w * 0.7), h))
    small_part = part.copy()
    small_part.thumbnail((320, 320))
    small_part.save(tmp_path / "part.jpg")
    # The query is a crop of the stored picture, and the reverse.
    assert CropMatcher(part).distance(tmp_path / "whole.jpg") <= WINDOW_MAX_DISTANCE
    assert CropMatcher(photo).distance(tmp_path / "part.jpg") <= WINDOW_MAX_DISTANCE
    with Image.open(PHOTOS / "baboon.jpg") as stranger:
        assert CropMatcher(stranger).distance(tmp_path / "part.jpg") > WINDOW_MAX_DISTANCE
    assert CropMatcher(photo).distance(tmp_path / "missing.jpg") == 64
