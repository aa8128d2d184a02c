"""Speech recognition within the archive's languages (`asr.languages`).

Whisper detects among 99 languages from the first 30 s; on short or noisy audio that is
fragile (a re-recorded English clip came out as Welsh, transcribed as gibberish). With the
archive's languages set, detection still runs over all of them, then the most probable
allowed language is chosen and the audio transcribed in it. A transcriber that cannot
report probabilities is left to detect on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.enrich.language import pick_language
from assistant.models.base import Transcriber, Transcript


def transcribe_in(
    transcriber: Transcriber, audio: np.ndarray | Path, languages: Sequence[str]
) -> Transcript:
    """Transcribe `audio`, its language chosen among `languages` (any when empty)."""
    if not languages:
        return transcriber.transcribe(audio)
    if len(languages) == 1:
        return transcriber.transcribe(audio, language=languages[0])
    ranked = transcriber.language_probabilities(audio)
    if not ranked:
        return transcriber.transcribe(audio)
    return transcriber.transcribe(audio, language=pick_language(ranked, languages))
