"""The scores of shared/EVAL_FORMAT.md, as small pure functions.

Rank metrics come from ir-measures (trec_eval's definitions), word error rate from jiwer.
`None` means "does not apply" and is never averaged as 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import ir_measures
import jiwer
import numpy as np
from ir_measures import RR, R, nDCG

from assistant.evaluation.matching import normalise_text

CURVE_KS = tuple(range(1, 11))
_RECALL_AT = {k: R @ k for k in CURVE_KS}
_NDCG10 = nDCG @ 10

RANK_METRICS = ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")
ANSWER_METRICS = (
    "citation_precision",
    "citation_recall",
    "answer_fact_recall",
    "abstention_accuracy",
)
# Averaged over the cases they apply to; unsupported citations are counted, latency is
# summarised by percentiles.
MEAN_METRICS = (*RANK_METRICS, *ANSWER_METRICS, "wer")
# Lower is better for these (compare colours by this).
LOWER_IS_BETTER = frozenset({"wer", "unsupported_citations", "latency_p50", "latency_p95"})

_WER_TRANSFORM = jiwer.Compose(
    [
        jiwer.ToLowerCase(),
        jiwer.RemovePunctuation(),
        jiwer.RemoveMultipleSpaces(),
        jiwer.Strip(),
        jiwer.ReduceToListOfListOfWords(),
    ]
)


def rank_scores(
    rankings: Mapping[str, Sequence[str]], gold_counts: Mapping[str, int]
) -> dict[str, dict[str, Any]]:
    """Per query: recall@1/5/10, MRR, nDCG@10 and the recall@1..10 curve.

    `rankings[q]` are document ids best first, where gold item j is `gold-j`
    (matching.ranked_doc_ids); `gold_counts[q]` is how many gold items q has. Queries without
    gold items are left out (the metrics do not apply); a query with gold but an empty
    ranking scores 0.
    """
    qrels = [
        ir_measures.Qrel(query, f"gold-{j}", 1)
        for query, count in gold_counts.items()
        for j in range(count)
    ]
    run = [
        # Strictly decreasing scores so ir-measures keeps our order (it sorts by score).
        ir_measures.ScoredDoc(query, doc_id, float(len(ranking) - rank))
        for query, ranking in rankings.items()
        if gold_counts.get(query, 0) > 0
        for rank, doc_id in enumerate(ranking)
    ]
    measures = [*_RECALL_AT.values(), RR, _NDCG10]
    raw: dict[str, dict[Any, float]] = {q: {} for q, n in gold_counts.items() if n > 0}
    if qrels and run:
        for metric in ir_measures.iter_calc(measures, qrels, run):
            raw[metric.query_id][metric.measure] = float(metric.value)
    scores: dict[str, dict[str, Any]] = {}
    for query, values in raw.items():
        curve = [values.get(_RECALL_AT[k], 0.0) for k in CURVE_KS]
        scores[query] = {
            "recall@1": curve[0],
            "recall@5": curve[4],
            "recall@10": curve[9],
            "mrr": values.get(RR, 0.0),
            "ndcg@10": values.get(_NDCG10, 0.0),
            "recall_curve": curve,
        }
    return scores


def fact_present(answer_norm: str, fact: str | list[str]) -> bool:
    alternatives = [fact] if isinstance(fact, str) else fact
    return any(normalise_text(option) in answer_norm for option in alternatives)


def answer_fact_recall(answer: str, facts: Sequence[str | list[str]]) -> float | None:
    if not facts:
        return None
    answer_norm = normalise_text(answer)
    return sum(fact_present(answer_norm, fact) for fact in facts) / len(facts)


def abstention_correct(must_abstain: bool, abstained: bool, cited: int) -> float:
    """1.0 when the agent abstained exactly when it should; an abstention that still cites
    clips is not a correct abstention."""
    if must_abstain:
        return 1.0 if abstained and cited == 0 else 0.0
    return 0.0 if abstained else 1.0


def precision(relevant_flags: Sequence[bool]) -> float | None:
    return sum(relevant_flags) / len(relevant_flags) if relevant_flags else None


def recall(found: int, total: int) -> float | None:
    return found / total if total else None


def word_error_rate(reference: str, hypothesis: str) -> float:
    """WER after lower-casing and dropping punctuation (ASR punctuation is not the point)."""
    return float(
        jiwer.wer(
            reference,
            hypothesis,
            reference_transform=_WER_TRANSFORM,
            hypothesis_transform=_WER_TRANSFORM,
        )
    )


def percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


def mean_or_none(values: Iterable[float | None]) -> float | None:
    present = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    return sum(present) / len(present) if present else None


def aggregate(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Summarise scored cases: means over the cases each metric applies to, the total of
    unsupported citations, latency percentiles, and the mean recall@1..10 curve."""
    result: dict[str, Any] = {"cases": len(rows), "errors": sum(1 for r in rows if r.get("error"))}
    for name in MEAN_METRICS:
        result[name] = mean_or_none(row.get(name) for row in rows)
    unsupported = [
        row["unsupported_citations"] for row in rows if row.get("unsupported_citations") is not None
    ]
    result["unsupported_citations"] = sum(unsupported) if unsupported else None
    latencies = [float(row["latency"]) for row in rows if row.get("latency") is not None]
    result["latency_p50"] = percentile(latencies, 50)
    result["latency_p95"] = percentile(latencies, 95)
    curves = [row["recall_curve"] for row in rows if row.get("recall_curve")]
    result["recall_curve"] = (
        [float(v) for v in np.mean(np.array(curves), axis=0)] if curves else None
    )
    return result


def by_tag(rows: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    tags = sorted({tag for row in rows for tag in row.get("tags", [])})
    return {tag: aggregate([r for r in rows if tag in r.get("tags", [])]) for tag in tags}
