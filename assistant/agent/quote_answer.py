"""When the draft fails, the source's own words: the shown line that answers, quoted.

The packaged 1.5B model reads "Electricity tariffs will be frozen for the whole of next
year" among its evidence for "Will household energy charges be held where they are?" and
answers from the council summary beside it ("energy support will be extended to small
businesses"), or declines. The support check rightly refuses that draft, and the turn said
"Not in the archive" although the line that answers was in front of the model. Decided by
the evidence instead: the shown line closest in meaning to the question (names out, as in
meaning.py), if at least MIN_MEANING close, is quoted with its framing and timecode
('In video/briefing.mp4 at 00:07, the recording says: "..." [1].'), which is also the
form a journalist can quote. The quote goes through the same grounding and support checks
as any draft (a "who" or "how much" question still needs a name or a figure of its kind),
so closeness of topic alone never answers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.agent.evidence import EvidenceItem, quote_sentences
from assistant.agent.grounding import Grounded, framing, ground
from assistant.agent.meaning import MIN_MEANING, SentenceEncoder, unnamed
from assistant.agent.speakers import answer_of, with_asked_questions
from assistant.agent.support import coverage, supports, topic_words


def closest_line(
    question: str,
    items: list[EvidenceItem],
    encoder: SentenceEncoder,
    rewrites: Sequence[str] = (),
) -> tuple[EvidenceItem, str, float] | None:
    """The item and its sentence closest in meaning to the question or to any of its
    `rewrites` (names out of all), with their cosine; None when nothing can be compared.
    The lines are encoded once, however many wordings are compared with them."""
    asked = [text for text in map(unnamed, [question, *rewrites]) if text.strip()]
    pairs = [
        (item, sentence)
        for item in items
        for sentence in quote_sentences(item)
        if len(unnamed(sentence).split()) >= 2
    ]
    if not asked or not pairs:
        return None
    heard = np.asarray(
        encoder.encode_passages([unnamed(sentence) for _, sentence in pairs]), dtype=np.float32
    )
    best: tuple[EvidenceItem, str, float] | None = None
    for text in asked:  # one at a time: the same vectors as a question asked alone
        scores = heard @ np.asarray(encoder.encode_queries([text]), dtype=np.float32)[0]
        top = int(np.argmax(scores))
        if best is None or float(scores[top]) > best[2]:
            best = (pairs[top][0], pairs[top][1], float(scores[top]))
    return best


# Units say what kind of figure is asked, not what about: "By how many euros will the
# harbour master's budget grow?" is not answered by "The council will spend 4 billion
# euros on new housing", which is close to it in meaning and shares only "euros".
_UNITS = frozenset(
    str.split(
        "euro euros dollar dollars pound pounds cent cents percent per cent tonne tonnes "
        "metre metres kilometre kilometres hour hours day days week weeks month months year "
        "years people"
    )
)


def holds_topic(question: str, item: EvidenceItem) -> bool:
    """Does the item (its words or its record's title and topics) hold one of the
    question's topic words other than units? The quote must be about what was asked."""
    topic = topic_words(question, set()) - _UNITS
    return not topic or coverage(topic, item.checkable_text) > 0


def quote_answer(
    question: str,
    allowed: list[EvidenceItem],
    encoder: SentenceEncoder | None,
    answered: dict[int, int] | None = None,
    rewrites: Sequence[str] = (),
    names: Sequence[str] = (),
) -> Grounded | None:
    """The closest shown line, quoted and checked like a draft, or None (the turn
    abstains): no encoder, nothing close enough, or the quote does not answer the kind of
    question asked. `answered` (TurnContext.answered: answer turn n -> spoken question n):
    when the closest line is a spoken question, its answer turn is quoted, judged with the
    question it answers (speakers.py). `rewrites`, the model's rewordings of the question
    (rewrite.py; English ones of a question in another language), are read as the question
    is: the line closest to any of them, about the topic of one of them. `names`: the
    archive's curated names (support.supports)."""
    if encoder is None or not allowed:
        return None
    asked = [question, *rewrites]
    found = closest_line(question, allowed, encoder, rewrites)
    if found is None or found[2] < MIN_MEANING:
        return None
    item, sentence, _ = found
    if not any(holds_topic(text, item) for text in asked):
        return None
    pairs = answered or {}
    # "When will the tests be finished?" is closest to "What did the doctor answer about
    # when the tests will be finished?"; the doctor's reply is the answer (the model cited
    # the doctor's other reply, shown beside it).
    answer = answer_of(item, allowed, pairs)
    if answer is not None:
        reply = closest_line(question, [answer], encoder, rewrites)
        if reply is None:
            return None
        item, sentence, _ = reply
    grounded = ground(f'{framing(item)}: "{sentence}" [{item.n}].', allowed, question)
    if not grounded.citations:
        return None
    cited = [i for i in allowed if any(c.clip is i.clip for c in grounded.citations)]
    if not supports(
        question,
        grounded.text,
        with_asked_questions(cited, allowed, pairs),
        list(rewrites),
        encoder,
        names=names,
    ):
        return None
    return grounded
