"""`assistant eval SUITE_DIR [--out DIR] [--no-llm] [--data-dir DIR]` and
`assistant eval --compare A/report.json B/report.json [--out DIR]`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from assistant.errors import AssistantError

console = Console()


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_command(
        ctx: typer.Context,
        suite_dir: Annotated[
            Path | None,
            typer.Argument(help="Suite folder: suite.yaml, cases.jsonl, archive/, queries/."),
        ] = None,
        out: Annotated[
            Path | None, typer.Option(help="Report folder (default eval/reports/SUITE-TIME).")
        ] = None,
        no_llm: Annotated[
            bool,
            typer.Option(
                "--no-llm", help="Run ask cases through retrieval only (no language model)."
            ),
        ] = False,
        data_dir: Annotated[
            Path | None,
            typer.Option(
                "--data-dir",
                help="Reuse this archive data folder (default: a fresh OUT/data; "
                "the global --data-dir is ignored so a suite never mixes into your archive).",
            ),
        ] = None,
        compare: Annotated[
            tuple[Path, Path] | None,
            typer.Option(help="Compare two report.json files instead of running a suite."),
        ] = None,
    ) -> None:
        """Run an evaluation suite end to end and write report.json + report.md, or compare
        two reports."""
        if compare is not None:
            _compare(compare[0], compare[1], out)
            return
        if suite_dir is None:
            raise AssistantError(
                "Give a suite folder, or --compare A/report.json B/report.json.",
                hint="e.g. assistant eval eval/suites/sample --no-llm",
            )
        _run(ctx, suite_dir, out, no_llm, data_dir)


def _run(
    ctx: typer.Context, suite_dir: Path, out: Path | None, no_llm: bool, data_dir: Path | None
) -> None:
    from assistant.evaluation.runner import run_suite
    from assistant.ingest.progress_view import RichProgress

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = out or Path("eval/reports") / f"{suite_dir.resolve().name}-{stamp}"
    with RichProgress() as progress:
        report = run_suite(
            suite_dir, out, ctx.obj.settings(), no_llm, data_dir=data_dir, progress=progress
        )
    _print_summary(report)
    console.print(f"report: {out / 'report.md'}  ({report['seconds']} s)")


def _print_summary(report: dict[str, Any]) -> None:
    from assistant.evaluation.report import COLUMNS, fmt

    groups = {"all": report["aggregate"], **report["by_tag"]}
    # Only the scores this run has (a --no-llm run has no answer scores), so the table fits.
    shown = [(h, k) for h, k in COLUMNS if any(g.get(k) is not None for g in groups.values())]
    grid = Table(title=f"{report['suite']}: {report['cases_run']} cases")
    grid.add_column("group", no_wrap=True)
    for header, _ in shown:
        grid.add_column(header, justify="right", no_wrap=True)
    for name, values in groups.items():
        grid.add_row(f"{name} ({values['cases']})", *[fmt(values.get(key)) for _, key in shown])
    wide = console if console.is_terminal else Console(width=160)
    wide.print(grid)
    errors = [case for case in report["cases"] if case.get("error")]
    for case in errors:
        console.print(f"[red]{case['id']}[/]: {case['error']}")


def _compare(path_a: Path, path_b: Path, out: Path | None) -> None:
    from assistant.evaluation.compare import (
        compare,
        load_report,
        overall_rows_for_console,
        write_comparison,
    )

    label_a, label_b = path_a.parent.name or "A", path_b.parent.name or "B"
    result = compare(load_report(path_a), load_report(path_b), label_a, label_b)
    grid = Table(title=f"A = {label_a}   B = {label_b}")
    for column in ("metric", "A", "B", "B − A"):
        grid.add_column(column, justify="left" if column == "metric" else "right")
    for row in overall_rows_for_console(result):
        grid.add_row(*row)
    console.print(grid)
    for case_id, metric, before, after in result.changed_cases:
        console.print(f"{case_id}: {metric} {before} → {after}")
    paths = write_comparison(result, out or path_b.parent)
    console.print(f"written: {', '.join(str(p) for p in paths.values())}")
