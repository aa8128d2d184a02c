"""A held-out "what did X answer" case, not tuned on (issue 15): a three-voice espeak-ng
interview where the reporter's question repeats the answer's own words ("will the
lighthouse open to visitors again"), so search ranks the question first, and another voice
(the official) speaks right after the answer. Through the chat agent with the packaged
model (profile default), scored like the interviews suite: the answer must cite the
expert's answer turn and hold its words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.evaluation.runner import run_suite
from samples import media as samples

# Ingest of one 30 s interview plus one agent answer: several minutes on 2 loaded cores.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
TURNS = [
    ("reporter", "Professor, is the old lighthouse safe for visitors?"),
    ("expert", "Not yet. The survey found deep cracks in the stone tower."),
    ("official", "The council will pay two million pounds to repair the tower."),
    ("reporter", "Will the lighthouse open to visitors again next summer?"),
    ("expert", "The lighthouse will open to visitors again in September, after the repairs."),
    ("official", "Until then, the coastal path stays closed near the cliffs."),
]
QUESTION = "What did the professor answer when asked if the lighthouse will open to visitors again?"


def _build(suite: Path) -> None:
    from scripts import make_interview_suite

    (suite / "archive").mkdir(parents=True)
    (suite / "queries").mkdir()
    lines = samples.interview(TURNS, samples.INTERVIEW_VOICES, suite / "archive" / "tower.wav")[1]
    gold = [
        {"file": "tower.wav", "start_s": t.start_s, "end_s": t.end_s, "speaker": t.speaker}
        for t in lines
    ]
    answer = [line for line in lines if line.speaker == "expert"][1]
    case = make_interview_suite._ask(
        "ask-professor-lighthouse", QUESTION, "tower.wav", answer, ["September"]
    )
    (suite / "suite.yaml").write_text("name: heldout\narchive: archive\nqueries: queries\n")
    (suite / "speakers.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold))
    (suite / "cases.jsonl").write_text(json.dumps(case) + "\n")


def test_the_answer_whose_question_repeats_its_words_is_cited(tmp_path: Path) -> None:
    suite = tmp_path / "heldout"
    _build(suite)
    settings = load_settings("default", data_dir=tmp_path / "data")
    found = run_suite(suite, tmp_path / "out", settings, no_llm=False)
    row = found["cases"][0]
    assert row["error"] is None and not row["abstained"], row["answer"]
    assert row["unsupported_citations"] == 0, row["answer"]
    assert found["speakers"]["attribution"]["cases"] == {"ask-professor-lighthouse": True}, row
    assert "september" in row["answer"].lower(), row["answer"]
