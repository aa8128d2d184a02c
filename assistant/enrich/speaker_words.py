"""Speech segments get their speaker: each word goes to the speaker turn it overlaps most
(the nearest turn when it overlaps none), and a transcript segment that spans a change
of speaker is split at that word, so a question and its answer are separate segments.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.diarization.speakers import SpeakerTurn
from assistant.models.base import SpeechSegment, Word


def speaker_at(turns: Sequence[SpeakerTurn], start_s: float, end_s: float) -> str | None:
    """The speaker overlapping [start_s, end_s] most; the nearest one when none does."""
    if not turns:
        return None

    def score(turn: SpeakerTurn) -> tuple[float, float]:
        overlap = min(end_s, turn.end_s) - max(start_s, turn.start_s)
        distance = max(turn.start_s - end_s, start_s - turn.end_s, 0.0)
        return (max(overlap, 0.0), -distance)

    return max(turns, key=score).speaker


def split_by_speaker(
    segments: Sequence[SpeechSegment], turns: Sequence[SpeakerTurn]
) -> list[tuple[SpeechSegment, str | None]]:
    """Each segment with its speaker; segments whose words change speaker are split."""
    out: list[tuple[SpeechSegment, str | None]] = []
    for segment in segments:
        if not turns:
            out.append((segment, None))
        elif not segment.words:
            out.append((segment, speaker_at(turns, segment.start_s, segment.end_s)))
        else:
            out.extend(_split(segment, turns))
    return out


def _split(
    segment: SpeechSegment, turns: Sequence[SpeakerTurn]
) -> list[tuple[SpeechSegment, str | None]]:
    labels = [speaker_at(turns, w.start_s, w.end_s) for w in segment.words]
    labels = _steady(labels)
    runs: list[tuple[str | None, list[Word]]] = []
    for word, label in zip(segment.words, labels, strict=True):
        if runs and runs[-1][0] == label:
            runs[-1][1].append(word)
        else:
            runs.append((label, [word]))
    if len(runs) == 1:
        return [(segment, runs[0][0])]
    return [
        (
            SpeechSegment(
                start_s=words[0].start_s,
                end_s=words[-1].end_s,
                text="".join(w.text for w in words).strip(),
                words=tuple(words),
            ),
            label,
        )
        for label, words in runs
    ]


def _steady(labels: list[str | None]) -> list[str | None]:
    """One word between two of another speaker is that speaker's (a boundary blur)."""
    out = list(labels)
    for i in range(1, len(labels) - 1):
        if labels[i - 1] == labels[i + 1] != labels[i]:
            out[i] = labels[i - 1]
    return out
