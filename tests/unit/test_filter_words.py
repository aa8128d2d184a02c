"""Bad filter values read as plain words in every filter box of the Search tab (and so in
the CLI, API and MCP tools, which share Filters.parse): never a pydantic dump."""

from __future__ import annotations

import pytest

from assistant.errors import AssistantError
from assistant.schemas import Filters
from assistant.ui.search_tab import _filters
from tests.helpers.app_search import FILTER_BOXES

# The Search tab's boxes, in _filters' order, all empty.
EMPTY = {"kind": None, **FILTER_BOXES, "language": ""}
PYDANTIC_WORDS = ("Input should", "type=", "validation error", "pydantic", "For further")


def _refused(**boxes: object) -> str:
    with pytest.raises(AssistantError) as raised:
        _filters(**{**EMPTY, **boxes})  # type: ignore[arg-type]
    text = str(raised.value)
    for words in PYDANTIC_WORDS:
        assert words not in text, text
    return raised.value.message


@pytest.mark.parametrize("box", ["date_from", "date_to"])
def test_a_day_first_date_says_how_dates_are_written(box: str) -> None:
    message = _refused(**{box: "12/03/2019"})
    assert "'12/03/2019' is not a date" in message
    assert "Dates are written YYYY-MM-DD, e.g. 2019-03-12." in message


@pytest.mark.parametrize("box", ["tempo_min", "tempo_max"])
def test_a_word_for_a_tempo_says_it_is_a_number(box: str) -> None:
    message = _refused(**{box: "fast"})
    assert "'fast' is not a number" in message and "beats per minute" in message


def test_unknown_language_and_kind_are_named() -> None:
    assert "'klingon1' is not a language code" in _refused(language="klingon1")
    assert "image, video, audio, document" in _refused(kind=["movie"])


def test_each_bad_box_is_said_once() -> None:
    message = _refused(date_from="yesterday", tempo_max="lots")
    assert message.count("is not a date") == 1 and message.count("is not a number") == 1


def test_good_values_still_parse() -> None:
    chosen = _filters(**{**EMPTY, "date_from": "2019-03-12", "tempo_min": "90"})  # type: ignore[arg-type]
    assert chosen == Filters.parse({"date_from": "2019-03-12", "tempo_min": 90})
