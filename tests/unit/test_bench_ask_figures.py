"""bench/ask.py's journalist check: a sentence stating a figure its cited clip does not hold
is counted, a verbatim re-quote of the clip (grounding's replacement, framed with the
speaker's voice and a timecode) is not."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from assistant.schemas import Answer, Citation
from tests.helpers.clips import passage

REPO = Path(__file__).resolve().parents[2]
HARBOUR = passage(
    "radio/harbour_interview.m4a",
    "audio",
    "Good morning, my guest is Jonas Berg. Container traffic grew by twelve percent.",
    0.4,
    9.0,
    speaker="Voice 1",
)


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_ask", REPO / "bench" / "ask.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _flagged(text: str) -> list[str]:
    answer = Answer(question="q", text=text, citations=[Citation(n=1, clip=HARBOUR)])
    return list(_bench().unsupported_figures(answer))


def test_a_verbatim_requote_is_not_a_missing_figure_but_an_invented_one_is() -> None:
    quote = (
        'In radio/harbour_interview.m4a at 00:00, Voice 1 says: "Good morning, my guest is '
        'Jonas Berg. Container traffic grew by twelve percent." [1].'
    )
    assert _flagged(quote) == []
    assert _flagged("Container traffic grew by 12 % [1].") == []
    invented = "Container traffic grew by 14 percent [1]."
    assert _flagged(invented) == [invented]
    # A "quote" the clip does not hold is checked like any sentence.
    misquoted = 'In radio/harbour_interview.m4a, Voice 1 says: "Traffic grew by 14 percent." [1].'
    assert _flagged(misquoted) == [misquoted]
