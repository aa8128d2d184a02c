"""The sample eval suite: built from real media, consistent with the committed cases, and
holding the CI gate's recall floor when run end to end without a language model."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evaluation.suite import load_suite

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built_suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scripts import make_sample_archive

    suite = tmp_path_factory.mktemp("suite") / "sample"
    assert make_sample_archive.main(["--suite", str(suite), "--force"]) == 0
    return suite


def test_generated_cases_match_the_committed_ones(built_suite: Path) -> None:
    committed = (REPO / "eval" / "suites" / "sample" / "cases.jsonl").read_text()
    assert (built_suite / "cases.jsonl").read_text() == committed, (
        "the sample media changed: rerun scripts/make_sample_archive.py and commit cases.jsonl"
    )


REQUIRED_TAGS = set(str.split("speech doc image-query audio-query metadata filter music abstain"))


def test_suite_covers_every_tag_with_real_files(built_suite: Path) -> None:
    suite = load_suite(built_suite)
    assert len(suite.cases) >= 30
    assert {tag for case in suite.cases for tag in case.tags} >= REQUIRED_TAGS
    assert {case.type for case in suite.cases} == {"search", "ask"}
    for case in suite.cases:
        for item in case.relevant:
            assert (suite.archive / item.file).is_file(), f"{case.id}: {item.file}"
    size = sum(p.stat().st_size for p in built_suite.rglob("*") if p.is_file())
    assert size < 15_000_000


def test_gate_holds_on_the_sample_suite(built_suite: Path, tmp_path: Path) -> None:
    from scripts import eval_gate

    status = eval_gate.main(
        ["--suite", str(built_suite), "--out", str(tmp_path / "report"), "--profile", "test"]
    )
    assert (tmp_path / "report" / "report.md").is_file()
    assert status == 0, (tmp_path / "report" / "report.md").read_text()[:3000]
