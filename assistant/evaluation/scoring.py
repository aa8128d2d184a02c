"""Turn one case and what the system did with it into a report row of scores."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.evaluation import metrics
from assistant.evaluation.matching import (
    TextOf,
    clip_matches,
    gold_found,
    is_supported,
    ranked_doc_ids,
)
from assistant.evaluation.suite import Case, RelevantItem
from assistant.schemas import Answer, Clip

# search: the engine's ranking; retrieval: an `ask` case run through search only (--no-llm);
# agent: an `ask` case run through the chat agent.
Mode = Literal["search", "retrieval", "agent"]

# Gives what the archive's transcript says over a gold item's time range (None: not found).
TranscriptOf = Callable[[RelevantItem], "str | None"]

SHOWN_CLIPS = 10


@dataclass
class Outcome:
    mode: Mode
    latency: float
    clips: list[Clip] = field(default_factory=list)
    answer: Answer | None = None
    error: str | None = None


def score_case(
    case: Case, outcome: Outcome, text_of: TextOf, transcript_of: TranscriptOf
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": case.id,
        "type": case.type,
        "mode": outcome.mode,
        "tags": case.tags,
        "question": case.question,
        **case.query_fields(),
        "latency": round(outcome.latency, 4),
        "error": outcome.error,
    }
    row.update(_rank_part(case, outcome.clips, text_of))
    row.update(_answer_part(case, outcome, text_of))
    row["wer"] = _wer(case, transcript_of)
    row["retrieved"] = _shown(outcome.clips[:SHOWN_CLIPS], case, text_of)
    row["top_score"] = outcome.clips[0].score if outcome.clips else None
    return row


def _rank_part(case: Case, clips: list[Clip], text_of: TextOf) -> dict[str, Any]:
    empty: dict[str, Any] = dict.fromkeys(metrics.RANK_METRICS)
    empty.update(recall_curve=None, gold_ranks=[])
    if not case.relevant:
        return empty
    ranking = ranked_doc_ids(clips, case.relevant, text_of)
    scores = metrics.rank_scores({case.id: ranking}, {case.id: len(case.relevant)})[case.id]
    scores["gold_ranks"] = [
        ranking.index(f"gold-{j}") + 1 if f"gold-{j}" in ranking else None
        for j in range(len(case.relevant))
    ]
    return scores


def _answer_part(case: Case, outcome: Outcome, text_of: TextOf) -> dict[str, Any]:
    part: dict[str, Any] = dict.fromkeys(
        (*metrics.ANSWER_METRICS, "unsupported_citations", "answer", "abstained")
    )
    part["citations"] = []
    if outcome.mode != "agent":
        return part
    if outcome.answer is None:  # the agent failed: a miss on everything it is scored on
        part.update(
            citation_precision=0.0,
            unsupported_citations=0,
            abstention_accuracy=0.0,
            citation_recall=0.0 if case.relevant else None,
            answer_fact_recall=0.0 if case.answer_must_include else None,
        )
        return part
    answer = outcome.answer
    cited = [citation.clip for citation in answer.citations]
    flags = [any(clip_matches(c, item, text_of) for item in case.relevant) for c in cited]
    part.update(
        answer=answer.text,
        abstained=answer.abstained,
        citations=_shown(cited, case, text_of),
        citation_precision=metrics.precision(flags),
        citation_recall=metrics.recall(
            len(gold_found(cited, case.relevant, text_of)), len(case.relevant)
        ),
        unsupported_citations=sum(not is_supported(c, answer.retrieved) for c in cited),
        answer_fact_recall=metrics.answer_fact_recall(answer.text, case.answer_must_include),
        abstention_accuracy=metrics.abstention_correct(
            case.must_abstain, answer.abstained, len(cited)
        ),
    )
    return part


def _wer(case: Case, transcript_of: TranscriptOf) -> float | None:
    rates = [
        metrics.word_error_rate(item.transcript, transcript_of(item) or "")
        for item in case.relevant
        if item.transcript
    ]
    return sum(rates) / len(rates) if rates else None


def _shown(clips: list[Clip], case: Case, text_of: TextOf) -> list[dict[str, Any]]:
    return [
        {
            "file": clip.file,
            "kind": clip.kind,
            "start_s": clip.start_s,
            "end_s": clip.end_s,
            "score": round(clip.score, 4),
            "snippet": clip.snippet[:200],
            "why": clip.why,
            "relevant": any(clip_matches(clip, item, text_of) for item in case.relevant),
        }
        for clip in clips
    ]
