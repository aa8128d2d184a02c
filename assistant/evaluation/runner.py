"""Run a suite end to end: ingest its archive, put every case through the code paths a user
hits (the search engine, the chat agent), score, and write report.json / report.md."""

from __future__ import annotations

import platform
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from assistant.agent.asking import AnswersQuestions
from assistant.archive import Archive
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.evaluation import metrics
from assistant.evaluation.archive_text import ArchiveText
from assistant.evaluation.scoring import Mode, Outcome, score_case
from assistant.evaluation.speakers import speaker_report
from assistant.evaluation.suite import Case, Suite, load_suite
from assistant.models.provider import ModelProvider
from assistant.progress import NullProgress, ProgressSink
from assistant.retrieval.outcome import SearchesClips
from assistant.schemas import Answer, IngestReport, SearchQuery

_VERSIONED = (
    "archive-assistant",
    "torch",
    "sentence-transformers",
    "faster-whisper",
    "open_clip_torch",
    "llama_cpp_python",
    "chromadb",
    "langchain",
    "ir-measures",
    "jiwer",
)


@dataclass
class Backends:
    """The production entry points by default; tests pass small fakes through the same door."""

    ingest: Callable[[Archive, Path, ProgressSink | None], IngestReport]
    engine: Callable[[Archive], SearchesClips]
    session: Callable[[Archive, SearchesClips], AnswersQuestions]


def _ingest(archive: Archive, root: Path, progress: ProgressSink | None) -> IngestReport:
    from assistant.ingest.pipeline import ingest_folder

    return ingest_folder(archive, root, progress=progress)


def _engine(archive: Archive) -> SearchesClips:
    from assistant.retrieval.engine import search_engine

    return search_engine(archive)


def _session(archive: Archive, engine: SearchesClips) -> AnswersQuestions:
    from assistant.agent.session import ChatSession

    return ChatSession(archive, engine)


def default_backends() -> Backends:
    # The rooms are imported on first use: they load heavy libraries, and a --no-llm run
    # never needs the agent.
    return Backends(ingest=_ingest, engine=_engine, session=_session)


def run_suite(
    suite_dir: Path,
    out_dir: Path,
    settings: Settings,
    no_llm: bool,
    *,
    data_dir: Path | None = None,
    backends: Backends | None = None,
    model_overrides: dict[str, Any] | None = None,
    progress: ProgressSink | None = None,
) -> dict[str, Any]:
    """Run every case of the suite in `suite_dir`; write the report into `out_dir`; return it.

    The archive is ingested into `data_dir` when given (incremental: a second run reuses it),
    else into a fresh `out_dir/data`.
    """
    from assistant.evaluation.report import write_report

    started = time.perf_counter()
    suite = load_suite(suite_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = with_suite_settings(settings, suite.settings)
    settings = settings.model_copy(update={"data_dir": _data_dir(out_dir, data_dir)})
    backends = backends or default_backends()
    sink = progress or NullProgress()
    with Archive.open(settings, model_overrides=model_overrides) as archive:
        ingest_started = time.perf_counter()
        ingest_report = backends.ingest(archive, suite.archive, progress)
        ingest_seconds = time.perf_counter() - ingest_started
        rows = _run_cases(suite, archive, backends, no_llm, sink)
        report = _report(
            suite, settings, archive.models, no_llm, rows, ingest_report, ingest_seconds
        )
        report["speakers"] = speaker_report(suite_dir, archive, suite.cases, rows)
    report["seconds"] = round(time.perf_counter() - started, 2)
    write_report(report, out_dir)
    return report


def with_suite_settings(settings: Settings, overrides: dict[str, Any]) -> Settings:
    """The profile's settings with the suite's `settings:` merged in, section by section."""
    if not overrides:
        return settings
    merged = settings.model_dump()
    for section, values in overrides.items():
        if isinstance(values, dict) and isinstance(merged.get(section), dict):
            merged[section] = {**merged[section], **values}
        else:
            merged[section] = values
    try:
        return Settings.model_validate(merged)
    except ValueError as exc:
        raise AssistantError(
            f"The suite's settings are not valid: {exc}", hint="Fix `settings:` in suite.yaml."
        ) from exc


def _data_dir(out_dir: Path, given: Path | None) -> Path:
    if given is not None:
        return given
    fresh = out_dir / "data"
    if fresh.exists():
        # Only ever remove what an earlier eval run made here.
        if not (fresh / "catalog.sqlite").exists() and any(fresh.iterdir()):
            raise AssistantError(
                f"{fresh} exists and is not an archive data folder; not removing it.",
                hint="Choose another --out folder, or pass --data-dir to reuse an archive.",
            )
        shutil.rmtree(fresh)
    return fresh


def _run_cases(
    suite: Suite, archive: Archive, backends: Backends, no_llm: bool, sink: ProgressSink
) -> list[dict[str, Any]]:
    engine = backends.engine(archive)
    archive_text = ArchiveText(archive.catalog)
    rows = []
    for done, case in enumerate(suite.cases):
        sink.update("cases", done, len(suite.cases), case.id)
        outcome = run_case(case, suite, archive, engine, backends, no_llm)
        rows.append(score_case(case, outcome, archive_text.text_of, archive_text.transcript_of))
    sink.update("cases", len(suite.cases), len(suite.cases), "done")
    return rows


def run_case(
    case: Case,
    suite: Suite,
    archive: Archive,
    engine: SearchesClips,
    backends: Backends,
    no_llm: bool,
) -> Outcome:
    """One case through search, or through the agent; an exception becomes the case's error."""
    mode: Mode = "search" if case.type == "search" else ("retrieval" if no_llm else "agent")
    media = {name: suite.query_path(relative) for name, relative in case.query_media.items()}
    started = time.perf_counter()
    try:
        if mode == "agent":
            session = backends.session(archive, engine)  # fresh: no history between cases
            for question in case.earlier:  # the chat this case follows up on
                session.ask(question)
            started = time.perf_counter()
            answer = _ask(session, case, media)
            return Outcome("agent", time.perf_counter() - started, answer.retrieved, answer)
        query = SearchQuery(
            text=case.question,
            media={name: path for name, path in media.items() if path is not None},
            filters=case.parsed_filters(),
            k=max(10, archive.settings.search.k),
        )
        clips = engine.search(query)
        return Outcome(mode, time.perf_counter() - started, clips)
    except Exception as exc:  # a failing case is a scored miss, not a crashed run
        message = exc.message if isinstance(exc, AssistantError) else str(exc)
        return Outcome(
            mode, time.perf_counter() - started, error=f"{type(exc).__name__}: {message}"
        )


def _ask(session: AnswersQuestions, case: Case, media: dict[str, Path | None]) -> Answer:
    # The case's filters go in as the UI's filter panel passes them.
    filters = case.parsed_filters() if case.filters else None
    return session.ask(case.question, filters, **media)


def _report(
    suite: Suite,
    settings: Settings,
    provider: ModelProvider,
    no_llm: bool,
    rows: list[dict[str, Any]],
    ingest_report: IngestReport,
    ingest_seconds: float,
) -> dict[str, Any]:
    aggregate = metrics.aggregate(rows)
    return {
        "suite": suite.name,
        "description": suite.description,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cases_run": len(rows),
        "no_llm": no_llm,
        "settings": settings.model_dump(mode="json", exclude={"serve"}),
        "models": _models(settings, provider, no_llm),
        "versions": _versions(),
        "ingest": {**ingest_report.model_dump(mode="json"), "wall_seconds": ingest_seconds},
        "aggregate": aggregate,
        "by_tag": metrics.by_tag(rows),
        "by_type": {
            kind: metrics.aggregate([r for r in rows if r["type"] == kind])
            for kind in ("search", "ask")
            if any(r["type"] == kind for r in rows)
        },
        "cases": rows,
    }


def _models(settings: Settings, provider: ModelProvider, no_llm: bool) -> dict[str, Any]:
    models: dict[str, Any] = {}
    for role in ("clip", "text", "asr", "llm", "vqa"):
        spec = settings.models.roles()[role]
        try:
            available = provider.available(role)
        except Exception:  # an unresolvable spec is simply not available
            available = False
        models[role] = {"name": spec.name, "backend": spec.backend, "available": available}
    models["llm"]["used"] = not no_llm
    return models


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "platform": platform.platform()}
    for name in _VERSIONED:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            continue
    return versions
