"""Write report.json (every number) and report.md (tables and plots a person reads)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.evaluation import plots, speakers

# (column header, aggregate key) in the order a reader scans them.
COLUMNS = (
    ("R@1", "recall@1"),
    ("R@5", "recall@5"),
    ("R@10", "recall@10"),
    ("MRR", "mrr"),
    ("nDCG@10", "ndcg@10"),
    ("cite P", "citation_precision"),
    ("cite R", "citation_recall"),
    ("unsupp.", "unsupported_citations"),
    ("facts", "answer_fact_recall"),
    ("abstain", "abstention_accuracy"),
    ("WER", "wer"),
    ("p50 s", "latency_p50"),
    ("p95 s", "latency_p95"),
)


def fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [fmt(cell).replace("|", "\\|").replace("\n", " ") for cell in row]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def write_report(report: Mapping[str, Any], out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "report.json", "md": out_dir / "report.md"}
    paths["json"].write_text(json.dumps(report, indent=2, default=str) + "\n")
    figures = {
        "recall": plots.recall_curves(report, out_dir / "recall_at_k.png"),
        "latency": plots.latency_by_type(report, out_dir / "latency.png"),
    }
    paths.update({name: path for name, path in figures.items() if path is not None})
    paths["md"].write_text("\n".join(markdown(report, figures)) + "\n")
    return paths


def markdown(report: Mapping[str, Any], figures: Mapping[str, Path | None]) -> list[str]:
    aggregate = report["aggregate"]
    mode = "retrieval only (--no-llm)" if report.get("no_llm") else "with the chat agent"
    lines = [
        f"# Eval report: {report['suite']}",
        "",
        f"{report['cases_run']} cases, run {mode}, in {fmt(report.get('seconds'))} s "
        f"({aggregate['errors']} failed with an error). Created {report.get('created_at')}.",
        "",
        "`—` means the score does not apply to any case in that row.",
        "",
        "## Overall",
        "",
        *table([h for h, _ in COLUMNS], [[aggregate.get(key) for _, key in COLUMNS]]),
        "",
        "## By tag",
        "",
        *_group_table(report["by_tag"]),
        "",
        "## By case type",
        "",
        *_group_table(report.get("by_type", {})),
        "",
    ]
    lines += _figures(figures)
    lines += ["## Cases", "", *_case_table(report["cases"]), ""]
    lines += _misses(report["cases"])
    lines += speakers.markdown(report.get("speakers"))
    lines += _ingest(report.get("ingest", {}))
    lines += _models(report.get("models", {}), report.get("versions", {}))
    return lines


def _group_table(groups: Mapping[str, Mapping[str, Any]]) -> list[str]:
    header = ["group", "cases", *[h for h, _ in COLUMNS]]
    return table(
        header, [[name, g["cases"], *[g.get(k) for _, k in COLUMNS]] for name, g in groups.items()]
    )


def _figures(figures: Mapping[str, Path | None]) -> list[str]:
    lines: list[str] = []
    if figures.get("recall"):
        lines += ["## Recall at k", "", "![recall@k by tag](recall_at_k.png)", ""]
    if figures.get("latency"):
        lines += ["## Latency", "", "![latency per case](latency.png)", ""]
    return lines


def _case_table(cases: Sequence[Mapping[str, Any]]) -> list[str]:
    rows = []
    for case in cases:
        top = case["retrieved"][0] if case.get("retrieved") else None
        top_text = (
            f"{_where(top)} ({top['score']:.2f}){' ✓' if top['relevant'] else ''}" if top else "—"
        )
        rows.append(
            [
                case["id"],
                case["mode"],
                ", ".join(case["tags"]),
                case.get("recall@5"),
                case.get("mrr"),
                case.get("answer_fact_recall"),
                case.get("abstention_accuracy"),
                top_text,
                case["latency"],
                (case.get("error") or "")[:80],
            ]
        )
    return table(
        ["case", "mode", "tags", "R@5", "MRR", "facts", "abstain", "top clip", "s", "error"], rows
    )


def _where(clip: Mapping[str, Any]) -> str:
    if clip.get("start_s") is None:
        return str(clip["file"])
    return f"{clip['file']} {clip['start_s']:.1f}–{clip['end_s']:.1f}s"


def _misses(cases: Sequence[Mapping[str, Any]]) -> list[str]:
    missed = [
        c
        for c in cases
        if c.get("error") or (c.get("recall@5") is not None and c["recall@5"] < 1.0)
    ]
    if not missed:
        return []
    lines = ["## Misses (gold not all in the top 5)", ""]
    for case in missed:
        query = case.get("question") or next(
            (value for key, value in case.items() if key.startswith("query_") and value), None
        )
        lines.append(f"- **{case['id']}** — {query}")
        if case.get("error"):
            lines.append(f"  - error: `{case['error']}`")
        ranks = ", ".join(fmt(rank) for rank in case.get("gold_ranks", []))
        lines.append(f"  - gold found at ranks: {ranks or '—'}")
        for clip in case.get("retrieved", [])[:3]:
            lines.append(
                f"  - got {_where(clip)} ({clip['score']:.2f}){' ✓' if clip['relevant'] else ''}"
            )
    return [*lines, ""]


def _ingest(ingest: Mapping[str, Any]) -> list[str]:
    if not ingest:
        return []
    lines = [
        "## Ingest",
        "",
        f"{fmt(ingest.get('wall_seconds'))} s; by kind {ingest.get('counts_by_kind')}; "
        f"by status {ingest.get('counts_by_status')}; "
        f"{ingest.get('segments_created')} segments.",
        "",
    ]
    for failure in ingest.get("failures", []):
        lines.append(f"- failed: `{failure['path']}` — {failure['reason']}")
    return [*lines, ""]


def _models(models: Mapping[str, Any], versions: Mapping[str, str]) -> list[str]:
    rows = [
        [role, m.get("name"), m.get("backend"), m.get("available")] for role, m in models.items()
    ]
    lines = [
        "## Models and versions",
        "",
        *table(["role", "name", "backend", "available"], rows),
        "",
    ]
    lines.append(", ".join(f"{name} {version}" for name, version in versions.items()))
    return lines
