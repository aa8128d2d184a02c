"""Speakers in answers, with a scripted LLM: evidence says who speaks, a spoken question
brings its answer turn, and a sentence giving the reporter's question as the official's
answer (or naming the wrong voice) is replaced by the answer turn's own words."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.agent.fakes import FixedEngine, ScriptedLLM
from assistant.agent.session import ChatSession
from assistant.archive import Archive
from assistant.diarization.speakers import SpeakerTurn
from assistant.store.voices import AssetSpeaker, VoiceStore
from assistant.vocabulary.words import STOP_WORDS
from tests.helpers.builders import asset_row, clip_on, spoken_turns
from tests.helpers.concepts import ConceptEncoder

LINES = [
    ("S1", "Minister, how much will the repairs cost?"),
    ("S2", "The budget is forty million euros, shared with the state."),
    ("S1", "Will the ferries run while the bridge is closed?"),
    ("S2", "Yes, two extra ferries will run every hour from six."),
]


def _answer(text: str) -> str:
    return json.dumps({"answerable": True, "answer": text})


def _index_interview(archive: Archive, tmp_path: Path, name: str, lines, hash_char: str):  # type: ignore[no-untyped-def]
    """An indexed two-voice interview `name` of `lines` (S1 the reporter): its asset, its
    turn segments, and the voice ids of S1 and S2."""
    archive.settings.agent = archive.settings.agent.model_copy(update={"rewrite": "never"})
    asset = asset_row(tmp_path, name, "audio", hash_char * 16, duration_s=24.0)
    archive.catalog.put_asset(asset)
    segments = spoken_turns(asset.asset_id, lines, 6.0, 5.0)
    archive.catalog.replace_segments(asset.asset_id, segments)
    store = VoiceStore(archive.catalog)
    reporter, other = store.new_voice(), store.new_voice()
    store.replace_asset(
        asset.asset_id,
        [SpeakerTurn(s.start_s or 0.0, s.end_s or 0.0, s.speaker or "") for s in segments],
        [
            AssetSpeaker(asset.asset_id, "S1", reporter, 10.0, 1.0, np.ones(4, np.float32)),
            AssetSpeaker(asset.asset_id, "S2", other, 10.0, 1.0, np.ones(4, np.float32)),
        ],
    )
    return asset, segments, reporter, other


@pytest.fixture
def interview(test_settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    """An indexed two-voice interview; Voice of S2 named Paul Okafor; the engine returns
    the reporter's ferries question first (as search did on the real interview)."""
    llm = ScriptedLLM([_answer("unused")])
    archive = Archive.open(test_settings, model_overrides={"llm": llm})
    asset, segments, reporter, official = _index_interview(archive, tmp_path, "two.wav", LINES, "i")
    VoiceStore(archive.catalog).set_name(official, "Paul Okafor", "user")
    question = clip_on(asset, segments[2], score=0.8, speaker=f"Voice {reporter}")
    engine = FixedEngine([question])
    yield archive, llm, engine, official
    archive.close()


def test_evidence_names_the_speaker_and_brings_the_answer_turn(interview) -> None:
    archive, llm, engine, official = interview
    llm.replies = [_answer("The official said two extra ferries will run every hour [2].")]
    answer = ChatSession(archive, engine).ask("What did the official answer about the ferries?")
    prompt = llm.calls[-1]["messages"][-1]["content"]
    assert 'speaker="Voice 1"' in prompt
    assert f'speaker="Voice {official} (Paul Okafor)"' in prompt
    assert "two extra ferries" in prompt  # the answer turn, which search did not return
    cited = answer.citations[0].clip
    assert cited.start_s is not None and cited.start_s >= 17.0  # the answer, not the question
    assert cited.speaker == f"Voice {official} (Paul Okafor)"
    assert "two extra ferries" in answer.text


def test_the_question_given_as_the_answer_is_replaced_by_the_answer_turn(interview) -> None:
    archive, llm, engine, official = interview
    llm.replies = [_answer("The official answered that the ferries will run [1].")]
    answer = ChatSession(archive, engine).ask("What did the official answer about the ferries?")
    assert len(answer.citations) == 1
    cited = answer.citations[0].clip
    assert cited.speaker == f"Voice {official} (Paul Okafor)"
    assert '"Yes, two extra ferries will run every hour from six."' in answer.text
    assert any("different source" in flag for flag in answer.flagged)


def test_a_named_voice_is_not_given_another_voices_words(interview) -> None:
    archive, llm, engine, _ = interview
    llm.replies = [_answer("Okafor asked whether the ferries will run [1].")]
    answer = ChatSession(archive, engine).ask("Who asked about the ferries?")
    assert "Okafor asked" not in answer.text
    assert all(c.clip.speaker != "Voice 1" for c in answer.citations)


def test_a_figure_the_question_lacks_is_quoted_from_the_answer_turn(interview) -> None:
    archive, llm, engine, official = interview
    llm.replies = [_answer("Two extra ferries will run every hour [1].")]
    answer = ChatSession(archive, engine).ask("How often will the ferries run?")
    assert answer.citations[0].clip.speaker == f"Voice {official} (Paul Okafor)"
    assert '"Yes, two extra ferries will run every hour from six."' in answer.text


def test_a_padded_clip_holding_the_answer_too_still_finds_the_answer_turn(interview) -> None:
    archive, llm, engine, official = interview
    question = engine.clips[0]
    segments = archive.catalog.segments(question.asset_id)
    engine.clips = [
        question.model_copy(
            update={"end_s": 23.0, "segment_ids": [segments[3].segment_id, segments[2].segment_id]}
        )
    ]
    llm.replies = [_answer("The official said two extra ferries will run every hour [2].")]
    answer = ChatSession(archive, engine).ask("What did the official answer about the ferries?")
    assert answer.citations[0].clip.start_s == pytest.approx(18.0, abs=4.0)
    assert answer.citations[0].clip.speaker == f"Voice {official} (Paul Okafor)"


def test_an_answer_turn_search_ranked_low_is_still_read_as_strong_as_its_question(
    interview,
) -> None:
    """Search found both turns, the answer far below its question (0.2 of 0.8): the answer
    turn keeps its number but is not dropped by the relative floor."""
    archive, llm, engine, official = interview
    question = engine.clips[0]
    answer_segment = archive.catalog.segments(question.asset_id)[3]
    engine.clips = [question, clip_on(question_asset(archive, question), answer_segment, 0.2)]
    llm.replies = [_answer("The official said two extra ferries will run every hour [2].")]
    answer = ChatSession(archive, engine).ask("What did the official answer about the ferries?")
    prompt = llm.calls[-1]["messages"][-1]["content"]
    assert "two extra ferries" in prompt
    assert not answer.abstained, answer.text
    assert answer.citations[0].clip.speaker == f"Voice {official} (Paul Okafor)"


def test_an_answer_is_about_what_its_spoken_question_asked(interview) -> None:
    """'the cost of the repairs' shares no topic word with 'The budget is forty million':
    the support check reads the answer turn with the question it answers."""
    archive, llm, engine, official = interview
    segments = archive.catalog.segments(engine.clips[0].asset_id)
    engine.clips = [clip_on(question_asset(archive, engine.clips[0]), segments[0], 0.8)]
    llm.replies = [_answer("Paul Okafor said the budget is forty million euros [2].")]
    answer = ChatSession(archive, engine).ask(
        "What did Paul Okafor say about the cost of the repairs?"
    )
    assert not answer.abstained, answer.text
    cited = answer.citations[0].clip
    assert cited.speaker == f"Voice {official} (Paul Okafor)"
    assert "forty million" in cited.snippet


def test_an_answer_on_another_topic_still_abstains(interview) -> None:
    """The pair widens the topic only to what the reporter asked: the ferries answer does
    not answer a question about the budget."""
    archive, llm, engine, _ = interview
    llm.replies = [_answer("Paul Okafor said two extra ferries will run every hour [2].")]
    answer = ChatSession(archive, engine).ask("What did Paul Okafor say about the budget?")
    assert answer.abstained, answer.text


def question_asset(archive: Archive, clip):  # type: ignore[no-untyped-def]
    asset = archive.catalog.get_asset(clip.asset_id)
    assert asset is not None
    return asset


def test_the_report_scores_whether_the_cited_clip_holds_the_gold_speakers_words() -> None:
    from assistant.evaluation.speakers import attribution
    from assistant.evaluation.suite import Case

    gold = {"two.wav": [(0.0, 5.0, "reporter"), (6.0, 11.0, "official")]}
    case = Case.model_validate(
        {
            "id": "a",
            "type": "ask",
            "question": "what did the official answer",
            "relevant": [{"file": "two.wav", "start_s": 6.0, "end_s": 11.0}],
        }
    )
    other = case.model_copy(update={"id": "b"})
    abstained = case.model_copy(update={"id": "c"})

    def row(case_id: str, start: float | None) -> dict[str, object]:
        cited = [] if start is None else [{"file": "two.wav", "start_s": start, "end_s": start + 4}]
        return {"id": case_id, "mode": "agent", "citations": cited, "retrieved": []}

    scores = attribution(
        gold, [case, other, abstained], [row("a", 6.5), row("b", 0.5), row("c", None)]
    )
    assert scores["cases"] == {"a": True, "b": False, "c": False}
    assert scores["answers"] == round(1 / 3, 4) and scores["top_clips"] is None


# The interviews suite's three-voice file: two questions, each with the doctor's reply.
DOCTOR_LINES = [
    ("S1", "Doctor, is the tap water safe to drink after the flood?"),
    ("S2", "Not yet. Our samples still show bacteria in the northern districts."),
    ("S1", "When will the tests be finished?"),
    ("S2", "We expect the final results on Friday after three clean samples in a row."),
]


def test_an_answer_citing_the_voices_other_reply_is_quoted_from_the_right_one(
    test_settings, tmp_path: Path
) -> None:
    """ask-expert-results, as the packaged model drafted it in two CI runs out of three:
    the doctor's Friday reply in its words, cited to the doctor's other reply shown beside
    it ([4]). Grounding puts [4]'s own words in its place, which do not say when; the
    fallback quote (quote_answer.py) found the reporter's question closest, and quoted
    nothing. Now it quotes that question's answer turn, judged with the question."""
    encoder = ConceptEncoder({}, STOP_WORDS, 3)
    llm = ScriptedLLM(
        [
            _answer(
                "The doctor answered that the tests will be finished on Friday after "
                "three clean samples in a row. [4]"
            )
        ]
    )
    archive = Archive.open(test_settings, model_overrides={"llm": llm, "support": encoder})
    try:
        asset, segments, reporter, doctor = _index_interview(
            archive, tmp_path, "three.wav", DOCTOR_LINES, "d"
        )
        voices = {"S1": f"Voice {reporter}", "S2": f"Voice {doctor}"}
        # Search's order on the real file: the tests question, the water question, then
        # the two replies (0.99, 0.40, 0.29, 0.18).
        engine = FixedEngine(
            [
                clip_on(asset, segments[i], score, speaker=voices[segments[i].speaker or ""])
                for i, score in ((2, 0.99), (0, 0.40), (3, 0.29), (1, 0.18))
            ]
        )
        answer = ChatSession(archive, engine).ask(
            "What did the doctor answer about when the tests will be finished?"
        )
    finally:
        archive.close()
    assert not answer.abstained, answer.text
    assert [c.clip.start_s for c in answer.citations] == [segments[3].start_s]
    assert answer.citations[0].clip.speaker == f"Voice {doctor}"
    assert '"We expect the final results on Friday' in answer.text
