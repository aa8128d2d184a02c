"""`assistant eval --compare A/report.json B/report.json`: what changed between two runs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from assistant.evaluation import plots
from assistant.evaluation.metrics import LOWER_IS_BETTER
from assistant.evaluation.report import COLUMNS, fmt, table

Row = tuple[str, float | None, float | None]


@dataclass
class Comparison:
    label_a: str
    label_b: str
    overall: list[Row]
    by_tag: dict[str, list[Row]]
    changed_cases: list[tuple[str, str, Any, Any]]  # case id, metric, A, B


def load_report(path: Path) -> dict[str, Any]:
    try:
        report: dict[str, Any] = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise AssistantError(
            f"Cannot read eval report {path}: {exc}",
            hint="Pass the report.json files written by `assistant eval`.",
        ) from exc
    if "aggregate" not in report:
        raise AssistantError(f"{path} is not an eval report (no 'aggregate').")
    return report


def delta(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else b - a


def is_better(metric: str, change: float | None) -> bool | None:
    if change is None or abs(change) < 1e-9:
        return None
    return (change < 0) if metric in LOWER_IS_BETTER else (change > 0)


def compare(a: dict[str, Any], b: dict[str, Any], label_a: str, label_b: str) -> Comparison:
    keys = [key for _, key in COLUMNS]
    overall = [(k, a["aggregate"].get(k), b["aggregate"].get(k)) for k in keys]
    by_tag = {
        tag: [
            (k, a["by_tag"].get(tag, {}).get(k), b["by_tag"].get(tag, {}).get(k))
            for k in ("recall@5", "mrr", "answer_fact_recall", "abstention_accuracy")
        ]
        for tag in sorted(set(a["by_tag"]) | set(b["by_tag"]))
    }
    cases_a = {case["id"]: case for case in a["cases"]}
    changed = []
    for case in b["cases"]:
        before = cases_a.get(case["id"])
        if before is None:
            continue
        for metric in ("recall@5", "mrr", "answer_fact_recall", "abstention_accuracy", "error"):
            if before.get(metric) != case.get(metric):
                changed.append((case["id"], metric, before.get(metric), case.get(metric)))
    return Comparison(label_a, label_b, overall, by_tag, changed)


def _signed(metric: str, change: float | None) -> str:
    if change is None:
        return "—"
    better = is_better(metric, change)
    mark = "" if better is None else (" ▲" if better else " ▼")
    return f"{change:+.3f}{mark}"


def markdown(result: Comparison) -> list[str]:
    lines = [
        f"# Eval comparison: A = {result.label_a}, B = {result.label_b}",
        "",
        "▲ better, ▼ worse (lower is better for WER, unsupported citations, latency).",
        "",
        "## Overall",
        "",
    ]
    lines += table(
        ["metric", "A", "B", "B − A"],
        [[m, a, b, _signed(m, delta(a, b))] for m, a, b in result.overall],
    )
    lines += ["", "## By tag", ""]
    lines += table(
        ["tag", "metric", "A", "B", "B − A"],
        [
            [tag, m, a, b, _signed(m, delta(a, b))]
            for tag, rows in result.by_tag.items()
            for m, a, b in rows
            if a is not None or b is not None
        ],
    )
    lines += ["", "## Cases that changed", ""]
    lines += (
        table(["case", "metric", "A", "B"], result.changed_cases)
        if result.changed_cases
        else ["No case changed."]
    )
    return [*lines, "", "![A vs B](compare.png)"]


def write_comparison(result: Comparison, out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"md": out_dir / "compare.md"}
    figure = plots.compare_bars(
        result.overall, (result.label_a, result.label_b), out_dir / "compare.png"
    )
    lines = markdown(result)
    if figure is None:
        lines = lines[:-1]
    else:
        paths["png"] = figure
    paths["md"].write_text("\n".join(lines) + "\n")
    return paths


def overall_rows_for_console(result: Comparison) -> list[list[str]]:
    return [[m, fmt(a), fmt(b), _signed(m, delta(a, b))] for m, a, b in result.overall]
