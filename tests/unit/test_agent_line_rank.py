"""The line that answers beats a record's opening (agent/line_rank.py, evidence.py), a
clip spanning two lines shows both (retrieval/clips.py), and a draft that answers and
then hedges keeps its answer (grounding.without_refusals): the causes of issue 17's false
abstentions, through whole turns with a scripted LLM and a small concept encoder."""

from __future__ import annotations

import json

import pytest

from assistant.agent.evidence import EvidenceBook
from assistant.agent.fakes import FixedEngine, ScriptedLLM
from assistant.agent.grounding import without_refusals
from assistant.agent.line_rank import answering_lines, lift_answering_lines
from assistant.retrieval.clips import _snippet
from assistant.schemas import Hit
from assistant.vocabulary.words import STOP_WORDS
from tests.helpers.clips import passage
from tests.helpers.concepts import ConceptEncoder

# Words a sentence encoder places together: charges/tariffs, held/frozen.
_SAME = {"charges": "tariff", "tariffs": "tariff", "held": "frozen", "energy": "power"}
_SAME |= {"electricity": "power", "household": "power"}


def _encoder() -> ConceptEncoder:
    return ConceptEncoder(_SAME, STOP_WORDS | {"will", "be", "where", "they"}, 3)


QUESTION = "Will household energy charges be held where they are?"
BRIEFING = "video/council_briefing.mp4"
OPENING = passage(BRIEFING, "video", "Good morning, welcome to the council briefing.", 0.0, 6.0)
SUMMARY = passage("docs/summary.txt", "document", "The council met on Tuesday.", score=0.8)
TARIFFS = passage(
    BRIEFING, "video", "Electricity tariffs will be frozen for the whole of next year.", 7.4, 11.4
)
TARIFFS = TARIFFS.model_copy(update={"score": 0.05})
NOISE = passage("radio/brief.mp3", "audio", "Temperatures will fall tonight.", 9.0, 13.0)
NOISE = NOISE.model_copy(update={"score": 0.04})


def _book() -> EvidenceBook:
    book = EvidenceBook()
    for rank, clip in enumerate([OPENING, SUMMARY, NOISE, TARIFFS]):
        book.add(clip, clip.snippet, "search_archive", rank=rank)
    return book


def test_the_answering_line_is_shown_although_the_opening_outscores_it() -> None:
    book = _book()
    # Fused scores alone: the answering line (0.05 against the opening's 0.9) is noise.
    assert [item.clip.snippet for item in book.shown(5)] == [OPENING.snippet, SUMMARY.snippet]
    lifted = lift_answering_lines(book, [QUESTION], _encoder())
    shown = [item.clip.snippet for item in book.shown(5)]
    assert TARIFFS.snippet in shown and NOISE.snippet not in shown
    first = book.get(lifted[0])
    assert first is not None and first.clip.snippet == TARIFFS.snippet


def test_no_line_is_lifted_without_an_encoder_or_when_none_is_close() -> None:
    book = _book()
    assert lift_answering_lines(book, [QUESTION], None) == []
    assert answering_lines(["Who won the chess final in Oslo?"], book.items, _encoder()) == []
    assert len(book.shown(5)) == 2


def _hit(segment: str, text: str, start: float, score: float) -> Hit:
    return Hit(
        segment_id=segment,
        asset_id="a" * 16,
        segment_kind="speech",
        signal="text_vector",
        score=score,
        start_s=start,
        end_s=start + 3.0,
        text=text,
    )


def test_a_clip_spanning_two_lines_shows_both_in_time_order() -> None:
    opening = _hit("s1", "This is The Regional Hour.", 1.0, 0.9)
    bikes = _hit("s2", "The bike lanes will be finished by October.", 4.5, 0.6)
    again = opening.model_copy(update={"signal": "keyword", "score": 0.4})
    snippet = _snippet([bikes, again, opening], {})
    assert snippet == "This is The Regional Hour. The bike lanes will be finished by October."
    # One line is the line itself; a label (not the asset's own words) is never joined.
    assert _snippet([opening], {}) == "This is The Regional Hour."
    label = _hit("v1", "Objects: candle", 2.0, 0.2).model_copy(update={"segment_kind": "label"})
    assert _snippet([opening, label], {}) == "This is The Regional Hour."


def test_a_hedge_beside_a_claim_is_dropped_and_refusals_alone_leave_nothing() -> None:
    draft = (
        "Wheat prices rose because the harvest was poor [1]. "
        "The archive does not contain information about Lyon."
    )
    assert without_refusals(draft) == "Wheat prices rose because the harvest was poor [1]."
    assert without_refusals("The archive does not contain an answer. No evidence here.") == ""


@pytest.fixture
def session(open_session):
    def make(reply: str, clips, encoder):
        llm = ScriptedLLM([json.dumps({"answerable": True, "answer": reply})])
        return open_session(FixedEngine(clips), {"llm": llm, "support": encoder}), llm

    return make


def test_a_turn_reads_and_cites_the_answering_line(session) -> None:
    chat, llm = session(
        "Electricity tariffs will be frozen for the whole of next year [4].",
        [OPENING, SUMMARY, NOISE, TARIFFS],
        _encoder(),
    )
    answer = chat.ask(QUESTION)
    prompt = " ".join(m["content"] for m in llm.calls[-1]["messages"])
    assert TARIFFS.snippet in prompt and NOISE.snippet not in prompt
    assert not answer.abstained and "frozen" in answer.text
    assert [c.clip.start_s for c in answer.citations] == [TARIFFS.start_s]
