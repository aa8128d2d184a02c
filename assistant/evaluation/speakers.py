"""Diarization error rate (DER) of speaker turns against a suite's gold turns, with
pyannote.metrics (the standard implementation: optimal speaker mapping, missed speech,
false alarm and confusion over the total gold speech).

Gold turns of a suite: `speakers.jsonl` beside its cases (eval/README.md), one turn a
line: {"file": "interviews/two.wav", "start_s": 0.5, "end_s": 4.3, "speaker": "reporter"}.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError

if TYPE_CHECKING:
    from assistant.archive import Archive

Turn = tuple[float, float, str]
# No forgiveness collar by default: the gold turns are exact (espeak-ng voiced spans).
COLLAR_S = 0.0
GOLD_FILE = "speakers.jsonl"


def _annotation(turns: Iterable[Turn]) -> Any:
    from pyannote.core import Annotation, Segment

    annotation = Annotation()
    for start, end, speaker in turns:
        if end > start:
            annotation[Segment(start, end)] = speaker
    return annotation


def diarization_error(gold: list[Turn], found: list[Turn], collar_s: float = COLLAR_S) -> float:
    """DER in [0, ∞) (usually ≤ 1): (missed + false alarm + confusion) / gold speech."""
    from pyannote.metrics.diarization import DiarizationErrorRate

    with warnings.catch_warnings():  # "uem approximated": the union of both is what we want
        warnings.simplefilter("ignore")
        metric = DiarizationErrorRate(collar=collar_s)
        return float(metric(_annotation(gold), _annotation(found)))


def read_gold_turns(suite_dir: Path) -> dict[str, list[Turn]]:
    """file -> gold turns, from the suite's speakers.jsonl ({} when it has none)."""
    path = suite_dir / GOLD_FILE
    if not path.is_file():
        return {}
    gold: dict[str, list[Turn]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            turn = (float(row["start_s"]), float(row["end_s"]), str(row["speaker"]))
            gold.setdefault(str(row["file"]), []).append(turn)
        except (ValueError, KeyError, TypeError) as exc:
            raise AssistantError(
                f"{path}:{number}: bad speaker turn ({exc}).",
                hint='Each line: {"file": ..., "start_s": 0.5, "end_s": 4.2, "speaker": "A"}.',
            ) from exc
    return gold


def speaker_report(
    suite_dir: Path,
    archive: Archive,
    cases: list[Any] | None = None,
    rows: list[dict[str, Any]] | None = None,
) -> dict[str, Any] | None:
    """DER per gold file and over the suite (errors summed over gold speech), against the
    turns ingest stored, and speaker-attributed answer scores (`attribution`) when the
    cases and their rows are given; None when the suite has no speakers.jsonl."""
    gold = read_gold_turns(suite_dir)
    if not gold:
        return None
    from pyannote.metrics.diarization import DiarizationErrorRate

    from assistant.store.voices import VoiceStore

    by_path = {asset.rel_path: asset.asset_id for asset in archive.catalog.assets()}
    store = VoiceStore(archive.catalog)
    metric = DiarizationErrorRate(collar=COLLAR_S)
    files: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for file, turns in sorted(gold.items()):
            found = (
                [(t.start_s, t.end_s, t.speaker) for t in store.turns(by_path[file])]
                if file in by_path
                else []
            )
            der = float(metric(_annotation(turns), _annotation(found)))
            files[file] = {
                "der": round(der, 4),
                "gold_speakers": len({t[2] for t in turns}),
                "found_speakers": len({t[2] for t in found}),
                "ingested": file in by_path,
            }
    report = {"der": round(float(abs(metric)), 4), "collar_s": COLLAR_S, "files": files}
    if cases is not None and rows is not None:
        report["attribution"] = attribution(gold, cases, rows)
    return report


def markdown(report: dict[str, Any] | None) -> list[str]:
    if not report:
        return []
    rows = [
        f"| {file} | {r['der']:.3f} | {r['gold_speakers']} | {r['found_speakers']} |"
        for file, r in report["files"].items()
    ]
    return [*_der_lines(report, rows), *_attribution_lines(report.get("attribution"))]


def _der_lines(report: dict[str, Any], rows: list[str]) -> list[str]:
    return [
        "## Speaker turns",
        "",
        f"DER over the suite: **{report['der']:.3f}** (pyannote.metrics, collar "
        f"{report['collar_s']} s).",
        "",
        "| file | DER | gold speakers | found |",
        "|---|---|---|---|",
        *rows,
        "",
    ]


def _attribution_lines(scores: dict[str, Any] | None) -> list[str]:
    if not scores or not scores["cases"]:
        return []
    shown = [
        f"{label}: **{scores[kind]:.2f}** of {scores[kind + '_n']}"
        for kind, label in (("answers", "answers citing"), ("top_clips", "top clips holding"))
        if scores[kind] is not None
    ]
    return [
        "Speaker-attributed: " + "; ".join(shown) + " the gold speaker's words.",
        "",
    ]


# --- speaker-attributed answers --------------------------------------------------------
def dominant_speaker(turns: list[Turn], start: float | None, end: float | None) -> str | None:
    """The gold speaker who speaks longest within [start, end] (None: nobody does)."""
    if start is None or end is None:
        return None
    spoken: dict[str, float] = {}
    for t_start, t_end, speaker in turns:
        overlap = min(end, t_end) - max(start, t_start)
        if overlap > 0:
            spoken[speaker] = spoken.get(speaker, 0.0) + overlap
    return max(spoken, key=lambda s: spoken[s]) if spoken else None


def attribution(
    gold: dict[str, list[Turn]], cases: list[Any], rows: list[dict[str, Any]]
) -> dict[str, Any]:
    """Per case whose gold evidence has a gold speaker: does the answer's first citation
    (ask, through the agent) or the top clip (search) hold that speaker's words? An
    abstention or an empty ranking counts as a miss."""
    by_id = {row["id"]: row for row in rows}
    per_case: dict[str, bool] = {}
    kinds: dict[str, str] = {}
    for case in cases:
        row = by_id.get(case.id)
        relevant = case.relevant[0] if case.relevant else None
        if row is None or relevant is None or relevant.file not in gold:
            continue
        wanted = dominant_speaker(gold[relevant.file], relevant.start_s, relevant.end_s)
        if wanted is None:
            continue
        clips = row["citations"] if row["mode"] == "agent" else row["retrieved"]
        clip = clips[0] if clips else None
        got = (
            dominant_speaker(gold.get(clip["file"], []), clip["start_s"], clip["end_s"])
            if clip
            else None
        )
        per_case[case.id] = got == wanted
        kinds[case.id] = "answers" if row["mode"] == "agent" else "top_clips"
    scores: dict[str, Any] = {"cases": per_case}
    for kind in ("answers", "top_clips"):
        hits = [ok for case_id, ok in per_case.items() if kinds[case_id] == kind]
        scores[kind] = round(sum(hits) / len(hits), 4) if hits else None
        scores[f"{kind}_n"] = len(hits)
    return scores
