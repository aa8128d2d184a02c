"""A question naming a record's date searches that day's records (agent/record_dates.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from assistant.agent.fakes import FixedEngine, ScriptedLLM
from assistant.agent.record_dates import named_dates, with_record_date
from assistant.agent.session import ChatSession
from assistant.archive import Archive
from assistant.schemas import Filters, MetadataValue
from assistant.store.catalog import Catalog
from tests.helpers.builders import asset_row
from tests.helpers.clips import passage


def test_full_dates_are_read_in_the_usual_spellings() -> None:
    day = {date(2024, 1, 9)}
    assert named_dates("What did the morning brief of 9 January 2024 say?") == day
    assert named_dates("the brief from the 9th of Jan 2024") == day
    assert named_dates("On January 9th, 2024, what was said?") == day
    assert named_dates("the bulletin of 2024-01-09") == day
    # No year, an impossible day, or no date at all: nothing is named.
    assert named_dates("What happens on 9 January?") == set()
    assert named_dates("the brief of 31 February 2024") == set()
    assert named_dates("How much will bread cost in 2024?") == set()


def _catalog_with_briefs(tmp_path: Path) -> Catalog:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    for asset_id, day in (("mon", "2024-01-08"), ("tue", "2024-01-09")):
        catalog.put_asset(
            asset_row("/r", f"radio/brief_{asset_id}.mp3", "audio", asset_id, status="indexed")
        )
        catalog.set_metadata(asset_id, [MetadataValue(field="date", value=day, source="sidecar")])
    return catalog


def test_a_named_record_date_filters_only_when_records_of_that_day_exist(tmp_path: Path) -> None:
    catalog = _catalog_with_briefs(tmp_path)
    try:
        dated = with_record_date("What did the brief of 9 January 2024 say?", Filters(), catalog)
        assert (dated.date_from, dated.date_to) == (date(2024, 1, 9), date(2024, 1, 9))
        assert catalog.filter_assets(dated) == {"tue"}
        # An event's date no record carries, two dates, or the user's own date filter:
        # the search is left as it was.
        assert with_record_date("The election of 9 June 2024?", Filters(), catalog).is_empty()
        two = "Compare the briefs of 8 January 2024 and 9 January 2024."
        assert with_record_date(two, Filters(), catalog).is_empty()
        own = Filters(date_from=date(2024, 1, 1))
        assert with_record_date("the brief of 9 January 2024", own, catalog) == own
    finally:
        catalog.close()


def test_the_agent_searches_the_brief_of_the_day_the_question_names(test_settings) -> None:
    """Only that day's brief is searched, and its line that answers reaches the model
    although the brief's start (its title and date match the question) outscores it."""
    intro = passage(
        "radio/brief_tue.mp3",
        "audio",
        "Good morning, here is the morning brief.",
        0.8,
        4.0,
        asset_id="tue",
        metadata={"date": "2024-01-09", "title": "Morning brief"},
    )
    brief = intro.model_copy(
        update={"snippet": "The city pool stays closed for another week.", "score": 0.3}
    )
    brief.start_s, brief.end_s = 4.5, 7.4
    reply = {"answerable": True, "answer": "The city pool stays closed for another week [2]."}
    llm = ScriptedLLM([json.dumps(reply)])
    archive = Archive.open(test_settings, model_overrides={"llm": llm})
    try:
        archive.settings.agent = archive.settings.agent.model_copy(update={"rewrite": "never"})
        for asset_id, day in (("mon", "2024-01-08"), ("tue", "2024-01-09")):
            archive.catalog.put_asset(
                asset_row("/r", f"radio/brief_{asset_id}.mp3", "audio", asset_id, status="indexed")
            )
            archive.catalog.set_metadata(
                asset_id, [MetadataValue(field="date", value=day, source="sidecar")]
            )
        engine = FixedEngine([intro, brief])
        answer = ChatSession(archive, engine).ask(
            "What did the morning brief of 9 January 2024 say about the city pool?"
        )
        assert "another week" in llm.calls[-1]["messages"][-1]["content"]
        searched = engine.queries[0].filters
        assert (searched.date_from, searched.date_to) == (date(2024, 1, 9), date(2024, 1, 9))
        assert not answer.abstained and "another week" in answer.text
    finally:
        archive.close()


def test_a_speaker_label_is_not_the_figure_a_how_many_question_asks_for() -> None:
    """A quote framed as "Voice 1 (Jonas Berg) says" gives no quantity: the 1 is a label."""
    from assistant.agent.support import states_figure, states_quantity

    quoted = (
        'In radio/wheat_report.ogg at 00:00, Voice 1 (Jonas Berg) says: "Wheat prices rose '
        'in Rouen, because the harvest was poor." [1]. The recording is from 2023-08-02 [1].'
    )
    assert not states_quantity(quoted)
    assert states_quantity(quoted.replace("rose in", "rose by 12 euros in"))
    assert not states_figure(quoted.replace("2023-08-02", "the farm report"))
