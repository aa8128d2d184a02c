"""samples/stand_ins.py: the made-up speech segment spreads its words over its time."""

from __future__ import annotations

import pytest

from assistant.schemas import WordTiming
from samples.stand_ins import spoken_line


def test_a_spoken_line_spreads_its_words_evenly_over_the_segment() -> None:
    segment = spoken_line("a1", 2, 8.0, 10.0, "harbour workers strike again")
    assert segment.segment_id == "a1:speech:2" and segment.kind == "speech"
    assert [w.text for w in segment.words] == ["harbour", "workers", "strike", "again"]
    assert all(isinstance(w, WordTiming) for w in segment.words)
    assert [w.start_s for w in segment.words] == pytest.approx([8.0, 8.5, 9.0, 9.5])
    assert [w.end_s for w in segment.words] == pytest.approx([8.5, 9.0, 9.5, 10.0])
    assert segment.start_s == 8.0 and segment.end_s == 10.0
