"""The support check with the packaged sentence encoder (models.support): a role the
question and an unrelated clip share is not what the question is about (newsroom none-03,
"Did the commissioner resign?" answered with the briefing's opening)."""

from __future__ import annotations

import pytest

from assistant.agent.evidence import EvidenceBook
from assistant.agent.meaning import MIN_MEANING, closeness
from assistant.agent.support import supports
from assistant.config import load_settings
from assistant.models.provider import ModelProvider
from tests.helpers.clips import passage

pytestmark = pytest.mark.slow

OPENING = "Good morning! Commissioner Elena Varga speaking at the Council briefing in Brussels."
TARIFFS = "Electricity tariffs will be frozen for the whole of next year."


def _item(text: str, start: float):
    clip = passage("video/council_briefing.mp4", "video", text, start, start + 5.0)
    return EvidenceBook().add(clip, text, "search_archive")


def test_a_role_alone_does_not_support_an_answer_with_the_packaged_encoder() -> None:
    encoder = ModelProvider(load_settings("default").models).support()
    assert encoder is not None
    opening, tariffs = _item(OPENING, 0.95), _item(TARIFFS, 7.39)
    question = "Did the commissioner resign?"
    quoted = (
        'In video/council_briefing.mp4 at 00:00, Voice 1 says: "Commissioner Elena Varga '
        'speaking at the Council briefing in Brussels." [1].'
    )
    assert closeness([question], [opening], encoder) < MIN_MEANING
    assert not supports(question, quoted, [opening], [], encoder)
    # What the role words kept out did not take the clip's real topics with them.
    asked = "What did the commissioner say about electricity tariffs?"
    assert closeness([asked], [tariffs], encoder) >= MIN_MEANING
