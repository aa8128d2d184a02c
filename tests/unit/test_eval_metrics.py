"""Eval metric code on small examples computed by hand."""

from __future__ import annotations

import math
from typing import Any

import pytest

from assistant.evaluation import metrics
from assistant.evaluation.archive_text import transcript_between
from assistant.evaluation.matching import clip_matches, is_supported, ranked_doc_ids
from assistant.evaluation.suite import RelevantItem
from assistant.schemas import Clip, Segment, WordTiming
from tests.helpers.builders import clip_of


def clip(
    file: str,
    start: float | None = None,
    end: float | None = None,
    *,
    asset: str = "a1",
    snippet: str = "",
    kind: str = "video",
) -> Clip:
    return clip_of(file, kind, start, end, root="/x", asset_id=asset, score=0.5, snippet=snippet)


GOLD = RelevantItem(file="news/briefing.mp4", start_s=12.0, end_s=20.0)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (10.0, 14.0, True),  # 2 s overlap >= 1 s
        (19.5, 30.0, False),  # 0.5 s overlap, clip is long: needs 1 s
        (10.0, 12.5, False),  # 0.5 s overlap; clip 2.5 s long needs min(1, 1.25) = 1 s
        (11.5, 12.4, False),  # 0.4 s overlap; clip 0.9 s needs 0.45 s
        (11.5, 12.5, True),  # 0.5 s overlap; clip 1.0 s needs 0.5 s
        (14.0, 14.0, True),  # a point inside the range (needs 0 s)
        (25.0, 30.0, False),  # no overlap
    ],
)
def test_overlap_rule(start: float, end: float, expected: bool) -> None:
    assert clip_matches(clip("news/briefing.mp4", start, end), GOLD) is expected


def test_file_and_untimed_rules() -> None:
    assert not clip_matches(clip("other.mp4", 12.0, 20.0), GOLD)
    assert not clip_matches(clip("news/briefing.mp4"), GOLD), "untimed clip vs timed gold"
    photo = RelevantItem(file="photos/messi.jpg")
    assert clip_matches(clip("./photos/messi.jpg", kind="image"), photo)
    doc = RelevantItem(file="docs/memo.txt", contains="Energy  prices")
    assert clip_matches(clip("docs/memo.txt", snippet="...rising energy prices in May"), doc)
    assert not clip_matches(clip("docs/memo.txt", snippet="the weather"), doc)
    assert clip_matches(clip("docs/memo.txt"), doc, text_of=lambda c: "ENERGY PRICES")


def test_ranked_doc_ids_credit_each_gold_item_once() -> None:
    relevant = [GOLD, RelevantItem(file="b.mp3", start_s=0.0, end_s=5.0)]
    clips = [
        clip("x.mp4", 0, 5),
        clip("news/briefing.mp4", 12, 15),
        clip("news/briefing.mp4", 15, 19),
        clip("b.mp3", 1, 4),
    ]
    assert ranked_doc_ids(clips, relevant) == ["miss-0", "gold-0", "dup-2", "gold-1"]


def test_rank_scores_by_hand() -> None:
    scores = metrics.rank_scores(
        {"q": ["miss-0", "gold-1", "dup-2", "gold-0"], "empty": [], "nogold": ["miss-0"]},
        {"q": 2, "empty": 1, "nogold": 0},
    )
    q = scores["q"]
    assert q["recall@1"] == 0.0
    assert q["recall_curve"][1] == 0.5  # R@2: one of two gold items
    assert q["recall@5"] == 1.0 and q["recall@10"] == 1.0
    assert q["mrr"] == 0.5
    dcg = 1 / math.log2(3) + 1 / math.log2(5)  # gains at ranks 2 and 4
    idcg = 1 + 1 / math.log2(3)
    assert q["ndcg@10"] == pytest.approx(dcg / idcg)
    assert scores["empty"]["recall@10"] == 0.0 and scores["empty"]["mrr"] == 0.0
    assert "nogold" not in scores, "no gold: the rank metrics do not apply"


def test_answer_fact_recall_alternatives_and_whitespace() -> None:
    facts: list[str | list[str]] = [["energy prices", "price of energy"], "winter"]
    assert metrics.answer_fact_recall("The Price   of energy rose.", facts) == 0.5
    assert metrics.answer_fact_recall("Energy prices rise in WINTER", facts) == 1.0
    assert metrics.answer_fact_recall("anything", []) is None


def test_abstention() -> None:
    assert metrics.abstention_correct(True, True, 0) == 1.0
    assert metrics.abstention_correct(True, True, 2) == 0.0, "abstaining must cite nothing"
    assert metrics.abstention_correct(True, False, 0) == 0.0
    assert metrics.abstention_correct(False, False, 1) == 1.0
    assert metrics.abstention_correct(False, True, 0) == 0.0


def test_word_error_rate_ignores_case_and_punctuation() -> None:
    assert metrics.word_error_rate("The cat sat.", "the cat sat") == 0.0
    assert metrics.word_error_rate("the cat sat", "the cat") == pytest.approx(1 / 3)
    assert metrics.word_error_rate("the cat sat", "") == 1.0


def test_is_supported() -> None:
    retrieved = [clip("a.mp4", 10, 20, asset="A"), clip("p.jpg", asset="P", kind="image")]
    assert is_supported(clip("a.mp4", 15, 25, asset="A"), retrieved)
    assert not is_supported(clip("a.mp4", 30, 40, asset="A"), retrieved)
    assert is_supported(clip("p.jpg", asset="P", kind="image"), retrieved)
    assert not is_supported(clip("q.jpg", asset="Q", kind="image"), retrieved)


def test_aggregate_keeps_null_for_metrics_that_do_not_apply() -> None:
    rows: list[dict[str, Any]] = [
        {
            "tags": ["speech"],
            "recall@5": 1.0,
            "latency": 1.0,
            "unsupported_citations": 0,
            "recall_curve": [0.0] * 4 + [1.0] * 6,
            "error": None,
        },
        {
            "tags": ["speech", "abstain"],
            "recall@5": None,
            "latency": 3.0,
            "unsupported_citations": 2,
            "abstention_accuracy": 1.0,
            "error": None,
        },
        {
            "tags": ["doc"],
            "recall@5": 0.0,
            "latency": 2.0,
            "error": "boom",
            "recall_curve": [0.0] * 10,
        },
    ]
    overall = metrics.aggregate(rows)
    assert overall["recall@5"] == 0.5
    assert overall["answer_fact_recall"] is None
    assert overall["abstention_accuracy"] == 1.0
    assert overall["unsupported_citations"] == 2
    assert overall["latency_p50"] == 2.0
    assert overall["errors"] == 1
    assert overall["recall_curve"][4] == 0.5
    tags = metrics.by_tag(rows)
    assert tags["abstain"]["recall@5"] is None and tags["abstain"]["cases"] == 1
    assert tags["doc"]["unsupported_citations"] is None
    assert tags["speech"]["latency_p95"] == pytest.approx(2.9)


def test_transcript_between_uses_word_times() -> None:
    words = [
        WordTiming(start_s=s, end_s=s + 0.4, text=w)
        for s, w in [(1.0, " energy"), (1.5, " prices"), (2.0, " rose"), (9.0, " later")]
    ]
    speech = [
        Segment.of(
            "a",
            "speech",
            0,
            start_s=1.0,
            end_s=9.4,
            text="energy prices rose later",
            words=words,
        ),
        Segment.of(
            "a",
            "speech",
            1,
            start_s=12.0,
            end_s=14.0,
            text="no words here",
        ),
    ]
    assert transcript_between(speech, 0.0, 3.0) == "energy prices rose"
    assert transcript_between(speech, 8.0, 15.0) == "later no words here"
    assert transcript_between(speech, 1.8, 2.4, slack_s=0.0) == "rose"
    stretched = [
        Segment.of(
            "b",
            "speech",
            0,
            start_s=0.0,
            end_s=2.0,
            text="Heavy flooding",
            words=[
                WordTiming(start_s=0.0, end_s=1.36, text="Heavy"),
                WordTiming(start_s=1.36, end_s=1.72, text="flooding"),
            ],
        )
    ]
    assert transcript_between(stretched, 1.0, 4.8) == "Heavy flooding", "first word drifts"


def test_compare_direction_depends_on_the_metric() -> None:
    from assistant.evaluation.compare import _signed, delta, is_better

    assert delta(0.5, None) is None
    assert is_better("recall@5", 0.1) is True
    assert is_better("wer", 0.1) is False, "a higher word error rate is worse"
    assert is_better("latency_p95", -2.0) is True
    assert is_better("mrr", 0.0) is None
    assert _signed("latency_p50", -0.25) == "-0.250 ▲"
