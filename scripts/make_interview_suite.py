"""Build eval/suites/interviews/: espeak-ng interviews with two and three voices (and a
statement whose sidecar names its single speaker), the gold speaker turns (speakers.jsonl)
and cases that need the speaker: "what did X answer" with and without the speaker filter.

    .venv/bin/python scripts/make_interview_suite.py [--suite eval/suites/interviews]

The cases are scripts/data/interview_cases.yaml. Deterministic; the archive is generated
(ignored by git), suite.yaml, cases.jsonl and speakers.jsonl are committed and rewritten
here so drift shows in `git diff`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo: samples/ is not installed

from samples import media as samples
from samples.suites import SUITE_LAYOUT, load_cases

REPO = Path(__file__).resolve().parents[1]
CASES = Path(__file__).resolve().parent / "data" / "interview_cases.yaml"
SUITE_YAML = """name: interviews
description: >-
  Who spoke when: espeak-ng interviews with two and three voices (different voices, pitches
  and speeds), scored for speaker turns (DER against speakers.jsonl) and for finding the
  answer, not the question, when asked what someone said.
"""


def _line(lines: list[samples.SpeakerTurnLine], speaker: str, nth: int) -> samples.SpeakerTurnLine:
    return [line for line in lines if line.speaker == speaker][nth]


def _gold(file: str, line: samples.SpeakerTurnLine) -> dict[str, object]:
    """The gold item of a turn: its file, span (to the hundredth) and words."""
    return {
        "file": file,
        "start_s": round(line.start_s, 2),
        "end_s": round(line.end_s, 2),
        "transcript": line.text,
    }


def _case(
    case_id: str,
    question: str,
    file: str,
    line: samples.SpeakerTurnLine,
    filters: dict[str, object],
    tags: list[str],
) -> dict[str, object]:
    return {
        "id": case_id,
        "type": "search",
        "question": question,
        "query_image": None,
        "query_audio": None,
        "filters": filters,
        "relevant": [_gold(file, line)],
        "answer_must_include": [],
        "must_abstain": False,
        "tags": tags,
    }


def _ask(
    case_id: str,
    question: str,
    file: str,
    line: samples.SpeakerTurnLine,
    must_include: list[object],
) -> dict[str, object]:
    """Through the agent: the answer must cite the gold speaker's turn (speaker-attributed
    answers in the report) and hold its words."""
    case = _case(case_id, question, file, line, {}, ["speaker", "ask"])
    return {**case, "type": "ask", "answer_must_include": must_include}


def build(suite: Path) -> None:
    archive = suite / "archive"
    shutil.rmtree(archive, ignore_errors=True)
    archive.mkdir(parents=True)
    (suite / "queries").mkdir(exist_ok=True)
    made = {}
    for name, turns in (
        ("two_voices.wav", samples.TWO_VOICE_TURNS),
        ("three_voices.wav", samples.THREE_VOICE_TURNS),
    ):
        made[name] = samples.interview(turns, samples.INTERVIEW_VOICES, archive / name)[1]
    made["statement.wav"] = samples.interview(
        [("official", "This is a statement from the harbour authority about the bridge.")],
        samples.INTERVIEW_VOICES,
        archive / "statement.wav",
    )[1]
    (archive / "statement.wav.json").write_text(json.dumps({"people": ["Paul Okafor"]}) + "\n")
    gold = [
        {
            "file": file,
            "start_s": round(t.start_s, 3),
            "end_s": round(t.end_s, 3),
            "speaker": t.speaker,
        }
        for file, lines in made.items()
        for t in lines
    ]

    def turn(item: dict[str, Any]) -> dict[str, Any]:
        file = item["file"]
        return _gold(file, _line(made[file], item["speaker"], item["turn"]))

    cases = load_cases(CASES, turn)
    (suite / "suite.yaml").write_text(SUITE_YAML + SUITE_LAYOUT)
    (suite / "speakers.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold))
    (suite / "cases.jsonl").write_text("".join(json.dumps(c) + "\n" for c in cases))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", type=Path, default=REPO / "eval" / "suites" / "interviews")
    build(parser.parse_args().suite)


if __name__ == "__main__":
    main()
