"""The run report: counts, failures without duplicates, stage seconds, summary."""

from __future__ import annotations

import time

from assistant.ingest.report import ReportBuilder, summary_lines
from assistant.schemas import IngestReport


def test_counts_failures_and_stages_add_up() -> None:
    builder = ReportBuilder("/archive", run_id=7)
    builder.outcome("indexed", "image")
    builder.outcome("indexed", "video")
    builder.outcome("skipped", "image")
    builder.outcome("failed")
    builder.failure("broken/a.jpg", "empty file (0 bytes)")
    builder.failure("broken/a.jpg", "empty file (0 bytes)")
    builder.warn("visual search is off")
    builder.warn("visual search is off")
    builder.created(segments=5, media_seconds=12.5)
    with builder.stage("decode"):
        time.sleep(0.01)
    with builder.stage("decode"):
        time.sleep(0.01)
    report = builder.finish()
    assert report.counts_by_kind == {"image": 2, "video": 1}
    assert report.counts_by_status == {"indexed": 2, "skipped": 1, "failed": 1}
    assert [f.path for f in report.failures] == ["broken/a.jpg"]
    assert report.warnings == ["visual search is off"]
    assert report.segments_created == 5 and report.media_seconds == 12.5
    assert report.seconds_by_stage["decode"] >= 0.02
    assert report.seconds >= report.seconds_by_stage["decode"]
    # The report round-trips as JSON (what `assistant ingest --json` prints).
    assert IngestReport.model_validate_json(report.model_dump_json()) == report


def test_summary_names_every_failure_and_warning() -> None:
    builder = ReportBuilder("/archive")
    builder.outcome("failed")
    builder.failure("x.pdf", "corrupt PDF: no xref")
    builder.warn("bad sidecar")
    lines = summary_lines(builder.finish())
    assert any("1 failed" in line for line in lines)
    assert "failed: x.pdf: corrupt PDF: no xref" in lines
    assert "warning: bad sidecar" in lines
