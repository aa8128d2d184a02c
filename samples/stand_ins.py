"""Stand-ins for models that a test or benchmark deliberately leaves out."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from assistant.models.base import SpeechSegment, Transcript, Word
from assistant.schemas import Segment, WordTiming


class FixedTranscriber:
    """Stands in for Whisper: "hears" `text` (set it per query), so the audio query path
    runs without transcription. Silence (no text) gives no speech segment."""

    name = "fixed-transcript"

    def __init__(self, text: str = "") -> None:
        self.text = text

    def translate(self, audio: Any, language: str | None = None) -> Transcript | None:
        return None

    def language_probabilities(self, audio: Any) -> list[tuple[str, float]]:
        return []

    def transcribe(self, audio: Any, language: str | None = None) -> Transcript:
        words = tuple(Word(i * 0.4, i * 0.4 + 0.3, w) for i, w in enumerate(self.text.split()))
        segment = SpeechSegment(0.0, len(words) * 0.4, self.text, words)
        return Transcript("en", len(words) * 0.4, (segment,) if self.text else ())


def spoken_line(asset_id: str, index: int, start: float, end: float, text: str) -> Segment:
    """A made-up speech segment, as if transcribed: `text`'s words spread evenly over it."""
    words = text.split()
    step = (end - start) / len(words)
    # One validation of plain dicts in pydantic-core: 4.6x faster than a model_construct
    # per word (a fifth of bench/scale.py's data generation at 10^6 assets).
    timings = _TIMINGS.validate_python(
        [
            {"start_s": start + i * step, "end_s": start + (i + 1) * step, "text": w}
            for i, w in enumerate(words)
        ]
    )
    return Segment.of(asset_id, "speech", index, start_s=start, end_s=end, text=text, words=timings)


_TIMINGS = TypeAdapter(list[WordTiming])
