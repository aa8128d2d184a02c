"""bench/ask.py's journalist check: a sentence stating a figure its cited clip does not hold
is counted, a verbatim re-quote of the clip (grounding's replacement, framed with the
speaker's voice and a timecode) is not."""

from __future__ import annotations

from assistant.schemas import Answer, Citation
from bench import ask as bench_ask
from tests.helpers.clips import passage

HARBOUR = passage(
    "radio/harbour_interview.m4a",
    "audio",
    "Good morning, my guest is Jonas Berg. Container traffic grew by twelve percent.",
    0.4,
    9.0,
    speaker="Voice 1",
)


def _flagged(text: str) -> list[str]:
    answer = Answer(question="q", text=text, citations=[Citation(n=1, clip=HARBOUR)])
    return list(bench_ask.unsupported_figures(answer))


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
