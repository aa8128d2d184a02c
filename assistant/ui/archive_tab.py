"""The Archive tab: ingest a folder with a live progress bar and its report; what the
archive holds; which models are on, which are missing and how to fix that."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import gradio as gr

from assistant.archive import Archive
from assistant.errors import AssistantError
from assistant.schemas import IngestReport
from assistant.ui.access import Access

_STAGE_LABEL = {"files": "Files", "transcribe": "Transcribing", "embed": "Embedding"}


class GradioProgressSink:
    """A ProgressSink that moves the Gradio progress bar."""

    def __init__(self, progress: Any) -> None:
        self.progress = progress

    def update(self, stage: str, done: float, total: float, message: str = "") -> None:
        label = _STAGE_LABEL.get(stage, stage.capitalize())
        desc = f"{label}: {message}" if message else label
        if total > 0:
            self.progress(
                (min(done, total), total), desc=desc, unit="files" if stage == "files" else "steps"
            )
        else:
            self.progress(None, desc=desc)

    def notice(self, message: str) -> None:
        return None  # the report shown after the run lists it


def _table(headers: list[str], rows: list[list[str]], css: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (
        f'<table class="aa-table {css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def report_html(report: IngestReport) -> str:
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(report.counts_by_kind.items()))
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(report.counts_by_status.items()))
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
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(counts.get("by_status", {}).items()))
    segments = ", ".join(f"{n} {k}" for k, n in sorted(counts.get("segments", {}).items()))
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

    def ingest(self, folder: str, progress: Any, user: str | None = None) -> tuple[str, str]:
        try:
            root = self.access.ingest_folder(user, folder)
            report = self.ingest_folder(self.archive, root, progress=GradioProgressSink(progress))
        except AssistantError as exc:
            raise gr.Error(exc.message + (f" → {exc.hint}" if exc.hint else "")) from exc
        self.on_change()
        return report_html(report), counts_html(self.archive.catalog.counts())

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

    def ingest(
        folder_value: str,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio's idiom
    ) -> tuple[str, str]:
        return handler.ingest(folder_value, progress, request.username)

    def archive_status() -> tuple[str, str, str]:
        return handler.status()

    # One ingest at a time: two runs over the same files would race on the catalog.
    go.click(ingest, [folder], [report, counts], api_name="ingest", concurrency_limit=1)
    refresh.click(archive_status, None, [counts, models, report], api_name="archive_status")
    blocks.load(archive_status, None, [counts, models, report], api_visibility="private")
