"""The shared vocabulary: each table agrees with its type, and the one time formatter and
word splitter behave as the rooms relying on them expect."""

from __future__ import annotations

from typing import get_args

from assistant.vocabulary import kinds, sources, tools
from assistant.vocabulary.timefmt import clock, full_span, span
from assistant.vocabulary.words import STOP_WORDS, content_terms, fold, matched_terms, words


def test_every_kind_but_visual_is_a_text_kind_and_groups_hold_known_kinds() -> None:
    assert set(kinds.SEGMENT_KINDS) - kinds.TEXT_KINDS == {"visual"}
    groups = (kinds.OWN_WORDS_KINDS, kinds.WRITTEN_KINDS, kinds.QUOTED_KINDS)
    for group in (*groups, set(kinds.PASSAGE_KINDS)):
        assert group <= kinds.TEXT_KINDS
    assert kinds.WRITTEN_KINDS <= kinds.OWN_WORDS_KINDS
    assert set(kinds.SPOKEN_MEDIA) <= set(kinds.MEDIA_KINDS)


def test_the_source_table_names_every_metadata_source_once() -> None:
    assert set(get_args(sources.MetadataSource)) == set(sources.SOURCES)
    priorities = list(sources.SOURCE_PRIORITY.values())
    assert len(set(priorities)) == len(priorities)
    assert {"user", "sidecar"} == sources.CURATED_SOURCES
    assert sources.INGEST_SOURCES == ("sidecar", "exif", "container", "analysis")
    # Curated values rank first and are trusted fully; inferred ones are never passed on.
    assert max(sources.SOURCE_PRIORITY[s] for s in sources.CURATED_SOURCES) < min(
        p for s, p in sources.SOURCE_PRIORITY.items() if s not in sources.CURATED_SOURCES
    )
    assert set(sources.SOURCE_TRUST) == {"user", "sidecar", "exif", "container"}


def test_tool_groups_are_tools() -> None:
    assert len(set(tools.TOOL_NAMES)) == 4
    assert set(tools.RECORD_TOOLS) <= set(tools.TOOL_NAMES)
    # The upload searches (search_by_<modality>) are the registry's, never the same names.
    from assistant.retrieval.modalities import MODALITIES

    assert not {m.tool for m in MODALITIES} & set(tools.TOOL_NAMES)


def test_times_round_starts_down_and_ends_up() -> None:
    assert clock(0) == "00:00"
    assert clock(61.4) == "01:01"
    assert clock(61.6) == "01:01"
    assert clock(61.6, round_up=True) == "01:02"
    assert clock(3725) == "1:02:05"
    assert clock(None) == ""
    assert span(41.2, 58.3) == "00:41–00:59"
    assert span(41.2, 41.5) == "00:41"
    assert full_span(41.2, 41.5) == "00:41–00:42"
    assert full_span(7.0, None) == "00:07–00:07"
    assert full_span(None, 3.0) == ""


def test_one_word_splitter() -> None:
    assert words("Bus-tickets, 2019: free_ride!") == ["Bus", "tickets", "2019", "free", "ride"]
    assert content_terms("the price of the bus and the Price") == ["price", "bus", "Price"]
    assert {"the", "and", "should", "him"} <= STOP_WORDS
    assert fold("prices") == fold("price") == fold("priced")
    assert matched_terms(["prices", "tram"], "The price rose") == ["prices"]
