"""The support check by meaning (agent/meaning.py) and by the kind of answer asked for
(agent/support.py), through whole turns with a scripted LLM and a small concept encoder:
a paraphrase sharing no topic word is answered, a name shared with an unrelated clip is
not a topic, and a "who" question answered without anyone named abstains."""

from __future__ import annotations

import json

import pytest

from assistant.agent.evidence import EvidenceBook
from assistant.agent.fakes import FixedEngine, ScriptedLLM
from assistant.agent.meaning import MIN_MEANING, closeness, unnamed
from assistant.agent.support import asks_for_name, states_name
from assistant.schemas import Clip
from assistant.vocabulary.words import STOP_WORDS
from tests.helpers.clips import passage
from tests.helpers.concepts import ConceptEncoder

# Words that mean one thing, as a sentence encoder would place them close together.
_SAME = {
    "grain": "cereal",
    "wheat": "cereal",
    "cost": "price",
    "prices": "price",
    "up": "rise",
    "go": "rise",
    "rose": "rise",
    "say": "speak",
    "speaking": "speak",
}
_IGNORED = STOP_WORDS | {"did", "does", "what", "good"}


def _encoder() -> ConceptEncoder:
    return ConceptEncoder(_SAME, _IGNORED, 2)


WHEAT = passage(
    "radio/wheat_report.ogg",
    "audio",
    "Wheat prices rose in Rouen because the harvest was poor after the long drought.",
    1.0,
    8.0,
    metadata={"place": "Rouen"},
)
BRIEFING = passage(
    "video/council_briefing.mp4",
    "video",
    "Good morning. Commissioner Elena Varga speaking at the council briefing in Brussels.",
    1.0,
    6.0,
    metadata={"people": ["Elena Varga"], "place": "Brussels"},
)
FESTIVAL = passage(
    "video/regional_hour.mp4",
    "video",
    "The summer festival moves to the fifth of July because of the storm.",
    12.0,
    18.0,
    metadata={"place": "Rennes"},
)


def _reply(text: str) -> str:
    return json.dumps({"answerable": True, "answer": text})


@pytest.fixture
def ask(open_session):
    def run(question: str, reply: str, clip: Clip, encoder: ConceptEncoder | None):
        models = {"llm": ScriptedLLM([_reply(reply)]), "support": encoder}
        return open_session(FixedEngine([clip]), models).ask(question)

    return run


def test_a_paraphrase_sharing_no_topic_word_is_answered_by_meaning(ask) -> None:
    question, draft = "Did the cost of grain go up?", "Wheat prices rose in Rouen [1]."
    # Words alone ("cost", "grain" are not in the clip) reject the true, cited answer ...
    assert ask(question, draft, WHEAT, None).abstained
    # ... its meaning (price of cereal rising) keeps it, with its citation.
    encoder = _encoder()
    answer = ask(question, draft, WHEAT, encoder)
    assert not answer.abstained and answer.citations[0].clip.file == WHEAT.file
    assert "Wheat prices rose" in answer.text
    # The encoder read the question and the cited words, without their names.
    assert any("Rouen" not in seen and "harvest" in seen for seen in encoder.seen)


def test_a_name_shared_with_an_unrelated_clip_is_not_its_topic(ask) -> None:
    question = "What did Elena Varga say about the pipeline?"
    item = EvidenceBook().add(BRIEFING, BRIEFING.snippet, "search_archive")
    encoder = _encoder()
    spoken = "Commissioner Elena Varga speaking at the council briefing in Brussels."
    named = encoder.encode_queries([question]) @ encoder.encode_passages([spoken]).T
    assert float(named[0, 0]) >= MIN_MEANING  # names in, the encoder would call it close
    assert closeness([question], [item], encoder) < MIN_MEANING
    assert unnamed(question) == "What did say about the pipeline?"
    answer = ask(question, "Elena Varga spoke at the council briefing [1].", BRIEFING, encoder)
    assert answer.abstained and answer.citations == []


def test_a_who_question_answered_without_anyone_named_abstains(ask) -> None:
    encoder = _encoder()
    # The invented act is not in the clip: grounding quotes the festival sentence instead,
    # which names no one, so the question is not answered.
    invented = ask(
        "Who is the headline act at the summer festival?",
        "The headline act at the summer festival is Daft Punk [1].",
        FESTIVAL,
        encoder,
    )
    assert invented.abstained and "Daft Punk" not in invented.text
    assert asks_for_name("Where will Minister Okafor travel?")
    assert not asks_for_name("What did the mayor say about who pays?")
    assert states_name("The harbour master is Jonas Berg [1].", "Who is the harbour master?")
    assert not states_name(
        'In video/regional_hour.mp4 at 00:12, the recording says: "The summer festival '
        'moves to the fifth of July." [1].',
        "Who is the headline act at the summer festival?",
    )
    # A name the question already gave is not an answer to it.
    assert not states_name("Okafor will travel [1].", "Where will Minister Okafor travel?")


def test_where_in_the_archive_or_about_an_upload_is_answered_by_clips_not_a_place() -> None:
    # "Where else does this photo appear?" is answered by the files that hold it.
    assert not asks_for_name("Where else does this photo appear?")
    assert not asks_for_name("Where does the commissioner appear?")
    assert not asks_for_name("Where is this from?", upload=True)
    assert asks_for_name("Where is this from?")
    assert asks_for_name("Who is in this picture?", upload=True)
    assert asks_for_name("Where will Minister Okafor travel?")


def test_the_question_said_back_gives_way_to_the_clips_own_words(ask) -> None:
    """A small model answers a paraphrase by echoing it ("Yes, the cost of grain went up");
    the clip it cites is quoted instead, and its meaning decides whether it answers."""
    echo = "Yes, the cost of grain went up [1]."
    answer = ask("Did the cost of grain go up?", echo, WHEAT, _encoder())
    assert not answer.abstained and "went up" not in answer.text
    assert '"Wheat prices rose in Rouen because the harvest was poor' in answer.text
    assert answer.citations[0].clip.file == WHEAT.file
    assert any("restates the question" in flagged for flagged in answer.flagged)
    # The same echo citing a clip about something else is still not an answer.
    assert ask("Did the cost of grain go up?", echo, FESTIVAL, _encoder()).abstained
    # An answer that adds what was asked is kept as written.
    kept = ask(
        "When will the summer festival move?",
        "The summer festival moves to the fifth of July [1].",
        FESTIVAL,
        _encoder(),
    )
    assert kept.text.startswith("The summer festival moves to the fifth of July [1]")


def test_a_possessive_the_clip_says_as_a_plural_is_written_as_the_clip_does() -> None:
    from assistant.agent.grounding import ground

    library = passage(
        "radio/library_notice.mp3",
        "audio",
        "The library will stay open late on Fridays this month.",
        4.0,
        8.0,
    )
    item = EvidenceBook().add(library, library.snippet, "search_archive")
    grounded = ground("The library will stay open late on Friday's this month [1].", [item])
    assert grounded.text == "The library will stay open late on Fridays this month [1]."
    # A possessive the clip does not hold as a plural stays.
    kept = ground("The library's doors stay open late on Fridays [1].", [item]).text
    assert kept.startswith("The library's doors stay open late on Fridays [1]")


def test_who_needs_a_name_the_cited_words_give_not_only_the_record(ask) -> None:
    """The interview's guest is on its record, but "He warns that the old crane must be
    replaced" does not say who will replace it; asked who said it, the record answers."""
    crane = passage(
        "radio/harbour_interview.m4a",
        "audio",
        "He warns that the old crane must be replaced within two years.",
        11.0,
        15.0,
        metadata={"people": ["Jonas Berg"]},
    )
    item = EvidenceBook().add(crane, crane.snippet, "search_archive")
    berg = "Jonas Berg will replace the old crane [1]."
    assert not states_name(berg, "Who will replace the old crane?", [item])
    assert states_name(berg, "Who said the old crane must be replaced?", [item])
    assert ask("Who will replace the old crane?", berg, crane, _encoder()).abstained


def test_a_role_shared_with_an_unrelated_clip_is_not_its_topic(ask) -> None:
    # none-03: the role alone made the briefing's opening close to the question, and it
    # was quoted as the answer to whether the commissioner resigned.
    question = "Did the commissioner resign?"
    opening = passage(
        "video/council_briefing.mp4",
        "video",
        "Commissioner Elena Varga speaking in Brussels.",
        0.9,
        4.0,
        metadata={"people": ["Elena Varga"], "place": "Brussels"},
    )
    item = EvidenceBook().add(opening, opening.snippet, "search_archive")
    assert unnamed(question) == "Did the resign?"
    assert closeness([question], [item], _encoder()) < MIN_MEANING
    answer = ask(question, "Yes, the commissioner resigned [1].", opening, _encoder())
    assert answer.abstained and answer.citations == []
