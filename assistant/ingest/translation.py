"""English renderings of non-English speech (settings.asr.translate).

Whisper's translate task runs over the same samples in the detected language; each
rendered line becomes a `translation` segment (language "en") at the time it was said,
embedded and keyword-indexed like speech, and shown as a translation with the original
words beside it (retrieval/clips.py). Costs one more Whisper decoding pass per
non-English file (docs/search.md, "Languages")."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from assistant.ingest.speech_timing import tighten
from assistant.models.base import Transcript
from assistant.schemas import Segment

if TYPE_CHECKING:
    from assistant.ingest.extract import ExtractContext

ENGLISH = "en"


def translation_segments(
    asset_id: str, samples: np.ndarray | None, heard: Transcript | None, ctx: ExtractContext
) -> list[Segment]:
    if (
        not ctx.settings.asr.translate
        or samples is None
        or heard is None
        or not heard.segments
        or heard.language in (ENGLISH, "")
    ):
        return []
    transcriber = ctx.transcriber()
    if transcriber is None:
        return []
    with ctx.stage("translate"):
        translated = transcriber.translate(samples, heard.language)
    if translated is None:
        return []
    english: Transcript = tighten(samples, translated)
    out = []
    for index, line in enumerate(s for s in english.segments if s.text.strip()):
        start = line.words[0].start_s if line.words else line.start_s
        end = line.words[-1].end_s if line.words else line.end_s
        out.append(
            Segment.of(
                asset_id,
                "translation",
                index,
                start_s=start,
                end_s=max(start, end),
                text=line.text.strip(),
                language=ENGLISH,
            )
        )
    return out
