"""Speakers in answers: who speaks each passage, the answer turn that follows a spoken
question, and the check that one speaker's words are not put in another's mouth.

Search ranks a reporter's question above the official's answer when both share the
question's words ("will the ferries run while the bridge is closed?"). So a spoken
question among the best hits brings the turn that answers it (the next words by another
voice) into the evidence, as strong as the question (also when search found the answer on
its own, lower: else the relative floor drops it from what the model reads). The answer
turn is about what its question asked ("Yes, two extra ferries…" answers "Will the ferries
run?"), so the support check reads the pair (`with_asked_questions`). The grounding check
refuses a sentence that says someone
answered or said something while citing only a question, or that names one voice while
citing another's words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.agent.evidence import EvidenceItem, clip_text
from assistant.agent.passages import FOLLOW_SPAN_S, asset_text_segments, segments_clip
from assistant.agent.turn import TurnContext
from assistant.archive import Archive
from assistant.schemas import Clip, Segment
from assistant.store.voices import VoiceStore
from assistant.vocabulary.timefmt import clock

# Only the best few hits are looked at: each answer turn costs prompt tokens.
ANSWER_HITS = 3
_ASKS = re.compile(
    r"\b(ask(?:ed|s|ing)?|question(?:ed|s)?|wonder(?:ed|s)?|want(?:ed)? to know)\b", re.IGNORECASE
)


def is_question_turn(item: EvidenceItem) -> bool:
    """A spoken question: a recording passage whose words end with a question mark."""
    return (
        item.clip.kind in ("video", "audio")
        and item.origin == "recording"
        and item.text.rstrip(" \"'”’").endswith("?")
    )


def add_answer_turns(ctx: TurnContext, items: list[EvidenceItem], source: str) -> None:
    """After each spoken question among the best hits, the turn that answers it."""
    for item in sorted(items, key=lambda i: i.rank)[:ANSWER_HITS]:
        if not is_question_turn(item):
            continue
        clip = answer_turn(ctx.archive, item.clip)
        if clip is None:
            continue
        ctx.record([clip])
        answer = ctx.evidence.add(clip, clip_text(clip), source, rank=item.rank)
        if answer.clip.score < clip.score:
            # Search found the answer turn itself, lower than its question: the item keeps
            # its number but reads as the answer, as strong as what it answers.
            answer.clip = clip
        ctx.answered.setdefault(answer.n, item.n)


def with_asked_questions(
    cited: list[EvidenceItem], shown: list[EvidenceItem], answered: dict[int, int]
) -> list[EvidenceItem]:
    """The cited items plus the spoken question each cited answer turn answers (`answered`:
    answer item n -> question item n): what the answer is about is what was asked."""
    by_number = {item.n: item for item in shown}
    numbers = {item.n for item in cited}
    asked = dict.fromkeys(answered[item.n] for item in cited if item.n in answered)
    return cited + [by_number[n] for n in asked if n in by_number and n not in numbers]


def answer_of(
    item: EvidenceItem, shown: list[EvidenceItem], answered: dict[int, int]
) -> EvidenceItem | None:
    """The shown answer turn of a spoken question item (`answered`: answer item n ->
    question item n), or None."""
    if not is_question_turn(item):
        return None
    by_number = {shown_item.n: shown_item for shown_item in shown}
    answers = [by_number[a] for a, q in answered.items() if q == item.n and a in by_number]
    return answers[0] if answers else None


def answer_turn(archive: Archive, asked: Clip) -> Clip | None:
    """The words right after a spoken question, by the next voice, until the voice changes
    again (within FOLLOW_SPAN_S); None when nobody else speaks next."""
    speech = [s for s in asset_text_segments(archive.catalog, asked.asset_id) if s.kind == "speech"]
    mine = [s for s in speech if s.segment_id in set(asked.segment_ids)]
    # A padded clip may hold the next turn too: the question is its segment ending in "?".
    questions = [s for s in mine if s.text.rstrip(" \"'”’").endswith("?")] or mine
    if not questions or questions[-1].speaker is None:
        return None
    question = max(questions, key=lambda s: s.end_s or s.start_s or 0.0)
    end = question.end_s or question.start_s or 0.0
    later = [s for s in speech if (s.start_s or 0.0) >= end - 0.5 and s is not question]
    while later and later[0].speaker == question.speaker:
        later = later[1:]
    if not later or later[0].speaker is None:
        return None
    chosen = _one_turn(later)
    asset = archive.catalog.get_asset(asked.asset_id)
    if asset is None:
        return None
    clip = segments_clip(archive, asset, chosen, f"answers the question at {clock(asked.start_s)}")
    clip.score = asked.score  # as strong as the question it answers: never floored away
    labels = VoiceStore(archive.catalog).labels([asset.asset_id])
    clip.speaker = labels.get((asset.asset_id, str(chosen[0].speaker)))
    return clip


def _one_turn(segments: list[Segment]) -> list[Segment]:
    first = segments[0]
    turn = []
    for segment in segments:
        if segment.speaker != first.speaker:
            break
        if (segment.start_s or 0.0) - (first.start_s or 0.0) > FOLLOW_SPAN_S:
            break
        turn.append(segment)
    return turn


# --- who is named ----------------------------------------------------------------------
def speaker_names(label: str) -> list[str]:
    """What a sentence may call a speaker: "Voice 2", the name, its last word."""
    match = re.fullmatch(r"(Voice \d+)(?: \((.+)\))?", label.strip())
    if not match:
        return [label] if label else []
    names = [match.group(1)]
    if match.group(2):
        full = match.group(2)
        names.append(full)
        if len(full.split()) > 1:
            names.append(full.split()[-1])
    return names


def _mentions(sentence: str, name: str) -> bool:
    return bool(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", sentence, re.IGNORECASE))


def named_speakers(sentence: str, items: Iterable[EvidenceItem]) -> set[str]:
    """Speaker labels of the evidence that the sentence names."""
    return {
        item.speaker
        for item in items
        if item.speaker and any(_mentions(sentence, n) for n in speaker_names(item.speaker))
    }


def wrong_speaker(sentence: str, cited: list[EvidenceItem], shown: list[EvidenceItem]) -> bool:
    """The sentence names a voice that speaks none of the cited passages, or states
    something (someone's answer) while citing only spoken questions (the asker's words)."""
    spoken = [item for item in cited if item.speaker]
    if not cited or len(spoken) < len(cited):
        return False
    named = named_speakers(sentence, shown)
    if named and not named & {item.speaker for item in spoken}:
        return True
    # A question states nothing: only a sentence about the asking may rest on it alone.
    return not _ASKS.search(sentence) and all(is_question_turn(item) for item in cited)


def speaker_pool(
    sentence: str, cited: list[EvidenceItem], shown: list[EvidenceItem]
) -> list[EvidenceItem]:
    """Where a misattributed sentence's words may really be: the named voice's passages
    (else any other passage), never the cited ones, answers before questions."""
    others = [item for item in shown if item not in cited]
    named = named_speakers(sentence, shown)
    theirs = [item for item in others if item.speaker in named] if named else others
    answers = [item for item in theirs if not is_question_turn(item)]
    return answers or theirs
