"""The Archive tab: ingest a folder with live progress (ui/ingest_progress.py) and its
report; what the archive holds; which models are on, which are missing and how to fix that."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from html import escape
from typing import Any

import gradio as gr

from assistant.archive import Archive
from assistant.errors import AssistantError
from assistant.ingest.report import counts_text
from assistant.schemas import IngestReport
from assistant.ui.access import Access
from assistant.ui.errors import shown_to_user
from assistant.ui.ingest_progress import Background, ProgressSnapshot, progress_html


def _table(headers: list[str], rows: list[list[str]], css: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (
        f'<table class="aa-table {css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def report_html(report: IngestReport) -> str:
    kinds = counts_text(report.counts_by_kind)
    statuses = counts_text(report.counts_by_status)
    parts = [
        f"<h3>Ingested {escape(report.root)}</h3>",
        f"<p>{report.seconds:.1f} s · {escape(kinds) or 'no files'} · "
        f"{escape(statuses)} · {report.segments_created} segments</p>",
    ]
    if report.failures:
        rows = [[escape(f.path), escape(f.reason)] for f in report.failures]
        parts.append(
            f"<h4>{len(report.failures)} files failed</h4>"
            + _table(["file", "reason"], rows, "aa-failures")
        )
    else:
        parts.append("<p>No failures.</p>")
    if report.warnings:
        items = "".join(f"<li>{escape(w)}</li>" for w in report.warnings)
        parts.append(f"<h4>Warnings</h4><ul>{items}</ul>")
    return "".join(parts)


def counts_html(counts: dict[str, dict[str, int]]) -> str:
    by_kind = counts.get("by_kind", {})
    if not by_kind:
        return "<p>The archive is empty. Ingest a folder to start.</p>"
    rows = [[escape(kind), str(n)] for kind, n in sorted(by_kind.items())]
    statuses = counts_text(counts.get("by_status", {}))
    segments = counts_text(counts.get("segments", {}))
    return (
        _table(["kind", "files"], rows)
        + f"<p>Status: {escape(statuses)}<br>Segments: {escape(segments)}</p>"
    )


def models_html(rows: list[dict[str, Any]]) -> str:
    cells = []
    for row in rows:
        if row["source"] == "disabled":
            state = '<span class="aa-off">off</span>'
        elif row["ready"]:
            state = '<span class="aa-ok">ready</span>'
        else:
            state = '<span class="aa-bad">missing</span>'
        fix = escape(row.get("fix") or "")
        cells.append(
            [escape(row["role"]), state, escape(row["name"]), escape(str(row["detail"])), fix]
        )
    return _table(["role", "status", "model", "from", "how to fix"], cells, "aa-models")


# How often the progress panel is redrawn while an ingest runs.
TICK_S = 0.5


class ArchiveHandler:
    def __init__(
        self,
        archive: Archive,
        ingest: Callable[..., IngestReport],
        model_rows: Callable[[Any], list[dict[str, Any]]],
        on_change: Callable[[], None],
        access: Access | None = None,
    ) -> None:
        self.archive = archive
        # Who may ingest which folders (editors, under serve.ingest_roots).
        self.access = access or Access(archive.settings.serve)
        self.ingest_folder = ingest
        self.model_rows = model_rows
        # Called after an ingest and on refresh: re-publish the folders the app may serve.
        self.on_change = on_change

    def ingest(self, folder: str, user: str | None = None) -> Iterator[tuple[str, Any]]:
        """Yields the live progress panel every TICK_S while the ingest runs in a thread,
        then the report and the new counts."""
        with shown_to_user():
            root = self.access.ingest_folder(user, folder)
        sink = ProgressSnapshot()
        run = Background(lambda: self.ingest_folder(self.archive, root, progress=sink))
        for _ in run.ticks(TICK_S):
            yield progress_html(sink.snapshot()), gr.skip()
        with shown_to_user():
            report = run.result()
        self.on_change()
        yield report_html(report), counts_html(self.archive.catalog.counts())

    def status(self) -> tuple[str, str, str]:
        self.on_change()
        last = self.archive.catalog.last_report()
        report = report_html(last) if last else "<p>No ingest run yet.</p>"
        try:
            rows = self.model_rows(self.archive.settings)
            models = models_html(rows)
        except AssistantError as exc:
            models = f"<p>Could not check the models: {escape(exc.message)}</p>"
        return counts_html(self.archive.catalog.counts()), models, report


def build_archive_tab(handler: ArchiveHandler, blocks: gr.Blocks) -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            gr.Markdown("### Ingest a folder")
            folder = gr.Textbox(
                label="Folder on this machine",
                elem_id="aa-ingest-folder",
                placeholder="/srv/archive/2021",
            )
            go = gr.Button("Ingest", variant="primary")
            report = gr.HTML("", elem_id="aa-ingest-report")
        with gr.Column(scale=2):
            gr.Markdown("### In the archive")
            counts = gr.HTML("")
            refresh = gr.Button("Refresh", size="sm")
    gr.Markdown("### Models")
    models = gr.HTML("", elem_id="aa-models")

    def ingest(folder_value: str, request: gr.Request) -> Iterator[tuple[str, Any]]:
        yield from handler.ingest(folder_value, request.username)

    def archive_status() -> tuple[str, str, str]:
        return handler.status()

    # One ingest at a time: two runs over the same files would race on the catalog.
    # The panel in `report` is the progress display, so Gradio's own overlay is hidden.
    go.click(
        ingest,
        [folder],
        [report, counts],
        api_name="ingest",
        concurrency_limit=1,
        show_progress="hidden",
    )
    refresh.click(archive_status, None, [counts, models, report], api_name="archive_status")
    blocks.load(archive_status, None, [counts, models, report], api_visibility="private")
