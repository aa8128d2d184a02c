"""Word timings snapped to the voice: a first word stretched back into silence starts
where the sound starts."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.ingest.speech_timing import tighten
from assistant.models.base import SpeechSegment, Transcript, Word

RATE = 16_000


def _voice(total_s: float, start_s: float, end_s: float) -> np.ndarray:
    rng = np.random.default_rng(1)
    samples = rng.normal(0, 1e-4, int(total_s * RATE)).astype(np.float32)
    t = np.arange(int((end_s - start_s) * RATE)) / RATE
    samples[int(start_s * RATE) : int(start_s * RATE) + len(t)] += 0.3 * np.sin(2 * np.pi * 220 * t)
    return samples


def test_stretched_first_and_last_words_are_snapped_to_the_voice() -> None:
    samples = _voice(6.0, 1.2, 4.0)
    words = (Word(0.0, 1.6, "The"), Word(1.6, 2.5, "council"), Word(2.5, 5.5, "met"))
    transcript = Transcript("en", 6.0, (SpeechSegment(0.0, 5.5, "The council met", words),))
    segment = tighten(samples, transcript).segments[0]
    assert segment.start_s == pytest.approx(1.2, abs=0.1)
    assert segment.end_s == pytest.approx(4.0, abs=0.1)
    assert segment.words[1] == words[1]  # inner words are left alone
    assert segment.text == "The council met"


def test_words_already_tight_do_not_move_outward() -> None:
    samples = _voice(4.0, 0.5, 3.5)
    words = (Word(1.0, 2.0, "already"), Word(2.0, 3.0, "tight"))
    transcript = Transcript("en", 4.0, (SpeechSegment(1.0, 3.0, "already tight", words),))
    segment = tighten(samples, transcript).segments[0]
    assert 1.0 <= segment.start_s <= 1.05 and 2.95 <= segment.end_s <= 3.0


def test_segments_without_words_are_kept_as_they_are() -> None:
    transcript = Transcript("en", 2.0, (SpeechSegment(0.2, 1.8, "no words"),))
    assert tighten(np.zeros(2 * RATE, np.float32), transcript) == transcript
