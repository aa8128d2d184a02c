"""The eval runner end to end with small fakes for ingest, search and the agent: the same
door (`Backends`) the real rooms go through."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.archive import Archive
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.evaluation.runner import Backends, run_suite
from assistant.evaluation.suite import load_suite
from assistant.retrieval.outcome import SearchOutcome
from assistant.schemas import Answer, Citation, Clip, Filters, IngestReport, SearchQuery
from tests.helpers.builders import clip_of

CASES = [
    {
        "id": "s1",
        "type": "search",
        "question": "energy prices",
        "relevant": [{"file": "news/a.mp4", "start_s": 10.0, "end_s": 20.0}],
        "tags": ["speech"],
    },
    {
        "id": "s2",
        "type": "search",
        "question": "goal",
        "query_image": "frame.jpg",
        "relevant": [{"file": "photos/p.jpg"}],
        "tags": ["image-query"],
    },
    {
        "id": "s3",
        "type": "search",
        "question": "explode",
        "relevant": [{"file": "photos/p.jpg"}],
        "tags": ["image-query"],
    },
    {
        "id": "a1",
        "type": "ask",
        "question": "What about energy prices?",
        "filters": {"kind": ["video"]},
        "relevant": [{"file": "news/a.mp4", "start_s": 10.0, "end_s": 20.0}],
        "answer_must_include": [["energy prices", "price of energy"], "winter"],
        "tags": ["speech"],
    },
    {
        "id": "a2",
        "type": "ask",
        "question": "Who won the 1970 cup?",
        "must_abstain": True,
        "tags": ["abstain"],
    },
]


def clip(
    file: str, start: float | None = None, end: float | None = None, score: float = 0.9
) -> Clip:
    kind = "image" if file.endswith(".jpg") else "video"
    return clip_of(file, kind, start, end, asset_id=file, score=score)


class FakeEngine:
    def __init__(self, archive: Archive) -> None:
        self.queries: list[SearchQuery] = []

    def search(self, query: SearchQuery) -> list[Clip]:
        self.queries.append(query)
        if query.text == "explode":
            raise RuntimeError("index exploded")
        if "image" in query.media:
            return [clip("photos/other.jpg"), clip("photos/p.jpg", score=0.8)]
        if "energy" in query.text:
            return [clip("news/a.mp4", 12.0, 18.0), clip("news/b.mp4", 0.0, 5.0, 0.5)]
        return [clip("news/b.mp4", 0.0, 5.0, 0.2)]

    def run(self, query: SearchQuery) -> SearchOutcome:
        return SearchOutcome(clips=self.search(query))


class FakeSession:
    def __init__(self, archive: Archive, engine: FakeEngine) -> None:
        self.engine = engine

    def ask(
        self, question: str, filters: Filters | None = None, **uploads: Path | str | None
    ) -> Answer:
        retrieved = self.engine.search(SearchQuery(text=question))
        if "1970" in question:
            return Answer(
                question=question,
                text="The archive does not say.",
                abstained=True,
                retrieved=retrieved,
            )
        citations = [
            Citation(n=1, clip=retrieved[0]),
            Citation(n=2, clip=clip("news/zzz.mp4", 0.0, 4.0)),
        ]  # made up
        return Answer(
            question=question,
            text="Energy prices rose [1] [2].",
            citations=citations,
            retrieved=retrieved,
        )


def fake_ingest(archive: Archive, root: Path, progress: object) -> IngestReport:
    assert (root / "news" / "a.mp4").exists()
    return IngestReport(root=str(root), started_at=datetime.now(), counts_by_kind={"video": 2})


@pytest.fixture
def suite_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "suite"
    (folder / "archive" / "news").mkdir(parents=True)
    (folder / "archive" / "news" / "a.mp4").write_bytes(b"fake")
    (folder / "queries").mkdir()
    (folder / "queries" / "frame.jpg").write_bytes(b"fake")
    (folder / "suite.yaml").write_text("name: tiny\narchive: archive\n")
    (folder / "cases.jsonl").write_text("\n".join(json.dumps(c) for c in CASES) + "\n")
    return folder


BACKENDS = Backends(ingest=fake_ingest, engine=FakeEngine, session=FakeSession)  # type: ignore[arg-type]


@pytest.fixture
def retrieval_report(suite_dir: Path, tmp_path: Path, test_settings: Settings) -> dict:
    return run_suite(suite_dir, tmp_path / "out-a", test_settings, no_llm=True, backends=BACKENDS)


def test_no_llm_scores_clips_and_keeps_errors(retrieval_report: dict, tmp_path: Path) -> None:
    cases = {case["id"]: case for case in retrieval_report["cases"]}
    assert cases["s1"]["recall@1"] == 1.0 and cases["s1"]["mode"] == "search"
    assert cases["s2"]["recall@1"] == 0.0 and cases["s2"]["mrr"] == 0.5
    assert cases["s3"]["error"] == "RuntimeError: index exploded"
    assert cases["s3"]["recall@10"] == 0.0, "an error is a miss"
    assert cases["a1"]["mode"] == "retrieval" and cases["a1"]["recall@1"] == 1.0
    assert cases["a1"]["answer_fact_recall"] is None, "no answer without the LLM"
    assert cases["a2"]["recall@5"] is None, "no gold: rank metrics do not apply"
    aggregate = retrieval_report["aggregate"]
    assert aggregate["recall@1"] == pytest.approx(2 / 4)
    assert aggregate["mrr"] == pytest.approx((1 + 0.5 + 0 + 1) / 4)
    assert aggregate["citation_precision"] is None and aggregate["errors"] == 1
    assert retrieval_report["by_tag"]["abstain"]["recall@5"] is None
    assert retrieval_report["by_tag"]["image-query"]["recall@5"] == 0.5
    out = tmp_path / "out-a"
    assert json.loads((out / "report.json").read_text())["cases_run"] == 5
    markdown = (out / "report.md").read_text()
    assert "![recall@k by tag](recall_at_k.png)" in markdown and "index exploded" in markdown
    assert (out / "recall_at_k.png").stat().st_size > 1000
    assert (out / "latency.png").stat().st_size > 1000


def test_agent_mode_scores_citations_answers_and_abstention(
    suite_dir: Path, tmp_path: Path, test_settings: Settings
) -> None:
    report = run_suite(
        suite_dir, tmp_path / "out-b", test_settings, no_llm=False, backends=BACKENDS
    )
    cases = {case["id"]: case for case in report["cases"]}
    a1 = cases["a1"]
    assert a1["mode"] == "agent"
    assert a1["citation_precision"] == 0.5 and a1["citation_recall"] == 1.0
    assert a1["unsupported_citations"] == 1, "the made-up citation no tool returned"
    assert a1["answer_fact_recall"] == 0.5, "energy prices yes, winter no"
    assert a1["abstention_accuracy"] == 1.0
    assert cases["a2"]["abstention_accuracy"] == 1.0 and cases["a2"]["citation_recall"] is None
    assert report["aggregate"]["unsupported_citations"] == 1
    assert report["by_tag"]["abstain"]["abstention_accuracy"] == 1.0


def test_cli_compare_prints_and_writes(
    suite_dir: Path, tmp_path: Path, retrieval_report: dict
) -> None:
    from assistant.cli import app

    better = json.loads((tmp_path / "out-a" / "report.json").read_text())
    better["aggregate"]["recall@1"] = 0.75
    better["cases"][1]["recall@5"] = 0.0
    (tmp_path / "out-b").mkdir()
    (tmp_path / "out-b" / "report.json").write_text(json.dumps(better))
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "--compare",
            str(tmp_path / "out-a/report.json"),
            str(tmp_path / "out-b/report.json"),
            "--out",
            str(tmp_path / "cmp"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "+0.250 ▲" in result.output
    compare_md = (tmp_path / "cmp" / "compare.md").read_text()
    assert "| s2 | recall@5 | 1.000 | 0.000 |" in compare_md
    assert (tmp_path / "cmp" / "compare.png").exists()


def test_bad_suite_says_what_is_wrong(suite_dir: Path) -> None:
    (suite_dir / "cases.jsonl").write_text(
        '{"id": "x", "type": "search", "filters": {"colour": "red"}, "question": "q"}\n'
    )
    with pytest.raises(AssistantError, match=r"cases.jsonl:1: bad case.*colour"):
        load_suite(suite_dir)
    (suite_dir / "cases.jsonl").write_text('{"id": "x", "type": "search"}\n')
    with pytest.raises(AssistantError, match="give a question"):
        load_suite(suite_dir)


def test_query_paths_may_name_the_queries_folder(suite_dir: Path) -> None:
    """Users write `frame.jpg` or `queries/frame.jpg`; both name the same upload."""
    (suite_dir / "cases.jsonl").write_text(
        '{"id": "q1", "type": "search", "query_image": "queries/frame.jpg"}\n'
        '{"id": "q2", "type": "search", "query_image": "frame.jpg"}\n'
    )
    suite = load_suite(suite_dir)
    first, second = (suite.query_path(case.query_media["image"]) for case in suite.cases)
    assert first == second == suite.queries / "frame.jpg"
    (suite_dir / "cases.jsonl").write_text(
        '{"id": "q3", "type": "search", "query_image": "queries/missing.jpg"}\n'
    )
    with pytest.raises(AssistantError, match=r"missing\.jpg"):
        load_suite(suite_dir)
