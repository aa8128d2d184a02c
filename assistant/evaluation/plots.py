"""Matplotlib figures for eval reports (PNG files next to report.md). Headless: Agg backend."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI; must precede pyplot
import matplotlib.pyplot as plt

from assistant.evaluation.metrics import CURVE_KS


def recall_curves(report: Mapping[str, Any], path: Path) -> Path | None:
    """Recall@k for k = 1..10, overall and per tag; None when no case has gold clips."""
    overall = report["aggregate"].get("recall_curve")
    if not overall:
        return None
    tagged = [(tag, v) for tag, v in sorted(report["by_tag"].items()) if v.get("recall_curve")]
    figure, axes = plt.subplots(figsize=(9, 4.8))
    axes.plot(CURVE_KS, overall, color="black", linewidth=3, marker="o", label="all", zorder=5)
    colours = plt.get_cmap("tab20")
    for i, (tag, values) in enumerate(tagged):
        # Many tags: colour and line style together keep every curve tellable apart.
        axes.plot(
            CURVE_KS,
            values["recall_curve"],
            marker=".",
            color=colours(i % 20),
            linestyle=("-", "--", ":")[i % 3],
            label=f"{tag} ({values['cases']})",
        )
    axes.set(
        xlabel="k (clips looked at)",
        ylabel="recall@k",
        ylim=(-0.03, 1.03),
        xticks=list(CURVE_KS),
        title=f"{report['suite']}: gold evidence found in the top k",
    )
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="tag (cases)")
    return _save(figure, path)


def latency_by_type(report: Mapping[str, Any], path: Path) -> Path | None:
    """Seconds per case: one box per mode (search, retrieval-only ask, agent ask) with the
    cases as dots, so slow outliers are visible by name."""
    groups: dict[str, list[tuple[str, float]]] = {}
    for case in report["cases"]:
        if case.get("latency") is not None:
            # Clamped at 1 ms so the log axis can show instant (cached, fake) cases too.
            groups.setdefault(case["mode"], []).append(
                (case["id"], max(float(case["latency"]), 1e-3))
            )
    if not groups:
        return None
    names = sorted(groups)
    figure, axes = plt.subplots(figsize=(7, 1.6 + 0.9 * len(names)))
    axes.boxplot(
        [[v for _, v in groups[n]] for n in names],
        orientation="horizontal",
        tick_labels=[f"{n} ({len(groups[n])})" for n in names],
        widths=0.5,
    )
    for row, name in enumerate(names, start=1):
        values = [v for _, v in groups[name]]
        axes.scatter(values, [row] * len(values), alpha=0.6, s=18, zorder=3)
        slowest_id, slowest = max(groups[name], key=lambda item: item[1])
        axes.annotate(
            slowest_id, (slowest, row), textcoords="offset points", xytext=(4, 6), fontsize=7
        )
    p50, p95 = report["aggregate"]["latency_p50"], report["aggregate"]["latency_p95"]
    # Log scale: a text search takes milliseconds, an audio query or an LLM answer seconds.
    axes.set_xscale("log")
    axes.set(
        xlabel="seconds per case (log scale)", title=f"latency (p50 {p50:.2f} s, p95 {p95:.2f} s)"
    )
    axes.grid(alpha=0.3, axis="x")
    return _save(figure, path)


def compare_bars(
    rows: list[tuple[str, float | None, float | None]], labels: tuple[str, str], path: Path
) -> Path | None:
    """Side-by-side bars of the metrics both runs have (latency excluded: other units)."""
    shown = [
        (name, a, b)
        for name, a, b in rows
        if a is not None
        and b is not None
        and not name.startswith("latency")
        and name != "unsupported_citations"
    ]
    if not shown:
        return None
    figure, axes = plt.subplots(figsize=(8, 0.45 * len(shown) + 1.5))
    positions = range(len(shown))
    axes.barh(
        [p + 0.2 for p in positions],
        [a for _, a, _ in shown],
        height=0.4,
        label=labels[0],
        color="#9aa5b1",
    )
    axes.barh(
        [p - 0.2 for p in positions],
        [b for _, _, b in shown],
        height=0.4,
        label=labels[1],
        color="#2f6fdb",
    )
    axes.set_yticks(list(positions), [name for name, _, _ in shown])
    axes.invert_yaxis()
    axes.set(xlim=(0, 1.05), title="A (grey) vs B (blue)")
    axes.grid(alpha=0.3, axis="x")
    axes.legend(fontsize=8, loc="lower right")
    return _save(figure, path)


def _save(figure: Any, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
