"""Check every citation of a generated answer against the turn's evidence.

Small models cite wrongly now and then (shared/MODELS.md), and archive text may try to
steer them, so nothing the model writes is trusted as-is:
- a citation [n] must name evidence shown to the model this turn; others are removed;
- a citation whose evidence shares no word with its sentence is removed as unsupported;
- a sentence left without support is re-attributed to the evidence it overlaps most, or
  flagged (Answer.flagged);
- every figure, date, weekday, month and name in a sentence must appear (normalised, see
  claims.py) in the evidence it cites, and words a document wrote must not be put in a
  speaker's mouth (or the reverse); a sentence that fails is replaced by the source's own
  words (a short framing plus the exact quote, with its timecode) or dropped, and the
  answer says so;
- a sentence that names one voice while citing another's words, or says someone answered
  while citing only a spoken question, is misattributed too (agent/speakers.py);
- an answer with no supported citation at all becomes an abstention.
Citations are then renumbered 1..m in order of appearance: [n] <-> Answer.citations[n-1].
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.agent.claims import (
    MONTHS,
    Missing,
    facts_in,
    fold,
    missing_facts,
    name_candidates,
)
from assistant.agent.evidence import EvidenceItem, clean_text, quote_sentences
from assistant.agent.roles import office_alternation
from assistant.agent.speakers import is_question_turn, speaker_pool, wrong_speaker
from assistant.schemas import Citation
from assistant.vocabulary.timefmt import clock
from assistant.vocabulary.words import STOP_WORDS, words

CITATION = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# Bits of our evidence markup a small model sometimes copies into its answer.
_FENCE_FRAGMENT = re.compile(r"\s*</?evidence\b[^>\[\]]*>?")
_FRAGMENT_NUMBER = re.compile(r"""n\s*=\s*["']?(\d+)""")
# An item's number written the way its fence tag writes it: "[n=3]", "(n=3)".
_NUMBERED_MARKER = re.compile(r"""\s*[\[(]\s*n\s*=\s*["']?(\d+)["']?\s*[\])]""")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Words every answer about the archive uses; besides the stop words, they show no support.
_ARCHIVE_WORDS = frozenset(
    [
        "archive",
        "evidence",
        "clip",
        "file",
        "video",
        "audio",
        "image",
        "photo",
        "document",
        "one",
        "two",
    ]
)
# Re-attribute an uncited sentence only when it clearly draws on one evidence item.
MIN_SHARED_WORDS = 2
MIN_OVERLAP = 0.3
# An evidence text this short (e.g. a photo found by look alone) cannot be checked by words.
MIN_CHECKABLE_WORDS = 5
_REFUSAL = re.compile(
    r"\b(does not contain|doesn't contain|no information|not (mentioned|found|present)|"
    r"cannot (find|answer)|can't (find|answer)|unable to (find|answer)|no evidence)\b",
    re.IGNORECASE,
)


def content_words(text: str) -> set[str]:
    return {
        word
        for word in (w.lower() for w in words(text))
        if len(word) >= 3
        and word not in STOP_WORDS
        and word not in _ARCHIVE_WORDS
        and not word.isdigit()
    }


def looks_like_refusal(text: str) -> bool:
    return bool(_REFUSAL.search(text))


def without_refusals(text: str) -> str:
    """The draft's sentences that claim something. "The dry weather affected farmers by
    causing wheat prices to rise ... The archive does not contain information about Lyon."
    answers, then hedges about what was not asked: the hedge goes, the claim is checked
    like any other (and the support check still judges the answer); a draft of refusals
    only is empty, so the turn abstains."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    return " ".join(s for s in sentences if not looks_like_refusal(s))


@dataclass
class Grounded:
    text: str
    citations: list[Citation] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    # Numbers the model cited that were not allowed or did not support their sentence.
    removed: list[int] = field(default_factory=list)
    # Sentences whose figures, dates or names the cited evidence does not hold, and why.
    corrected: list[str] = field(default_factory=list)
    replaced: int = 0
    dropped: int = 0
    quotes: list[str] = field(default_factory=list)


def ground(text: str, allowed: list[EvidenceItem], question: str = "") -> Grounded:
    """Keep only supported citations; re-attribute or flag; check each sentence's facts
    (a failing one becomes the quote closest to it and the question); renumber 1..m."""
    by_number = {item.n: item for item in allowed}
    result = Grounded(text="")
    text = _FENCE_FRAGMENT.sub(_fragment_citation, text)
    text = _NUMBERED_MARKER.sub(lambda m: f" [{m.group(1)}]", text)
    # A citation after the full stop ("... autumn. [1]") is the sentence's own: folded in
    # before the check, or the sentence would count as uncited, be given the item it
    # overlaps most, and keep the model's [1] beside it as well.
    sentences = _fold_bare_markers([s for s in _SENTENCE_END.split(text.strip()) if s.strip()])
    checked = [_check_sentence(sentence, by_number, result, question) for sentence in sentences]
    checked = [_requote_echo(sentence, by_number, result, question) for sentence in checked]
    checked = [_check_claims(sentence, by_number, result, question) for sentence in checked]
    checked = [_plural_as_cited(sentence, by_number) for sentence in checked]
    body = " ".join(sentence for sentence in checked if sentence)
    result.text = _renumber(body, by_number, result)
    if result.citations and (result.replaced or result.dropped):
        result.text += " " + correction_note(result.replaced, result.dropped)
    return result


# correction_note's text inside an answer (read past when judging what the answer says).
CORRECTION_NOTE = re.compile(r"\(Checked against the sources:.*?\)")


def correction_note(replaced: int, dropped: int) -> str:
    parts = []
    if replaced:
        parts.append(f"{_count(replaced)} replaced by the source's own words")
    if dropped:
        parts.append(f"{_count(dropped)} dropped")
    return (
        f"(Checked against the sources: {' and '.join(parts)}, because the draft stated "
        "a figure, date, name or speaker the cited source does not give.)"
    )


def _count(n: int) -> str:
    return "one sentence" if n == 1 else f"{n} sentences"


# Speech attributed to someone, or a named medium: checked against the cited item's kind.
_SPEECH = re.compile(
    r"\b(said|says|say|told|tells|stated|states|announced|announces|declared|added|"
    r"explained|warned|promised|claimed|speaking|spoke|according to)\b",
    re.IGNORECASE,
)
_SPOKEN_MEDIUM = re.compile(
    r"\b(in|during) (the|a|his|her|this|that) (video|recording|broadcast|interview|speech|"
    r"briefing|programme|program|bulletin|podcast|press conference)\b",
    re.IGNORECASE,
)
_WRITTEN_MEDIUM = re.compile(
    r"\b(the|a|this|that) (document|memo|report|summary|article|press release|minutes|"
    r"letter|note)\b",
    re.IGNORECASE,
)
_ROLE = re.compile(rf"\b{office_alternation(('guest', 'host', 'presenter'))}\b", re.IGNORECASE)


def _check_claims(
    sentence: str, by_number: dict[int, EvidenceItem], result: Grounded, question: str = ""
) -> str:
    """The sentence if its figures, dates, names and speaker stand in its cited evidence;
    else the best exact quote from that evidence, or nothing."""
    cited = [by_number[int(n)] for n in re.findall(r"\[(\d+)\]", sentence) if int(n) in by_number]
    bare, _ = _split_punctuation(CITATION.sub("", sentence).strip())
    if not bare.strip():
        return sentence
    facts = facts_in(" ".join(item.checkable_text for item in cited))
    missing = missing_facts(bare, facts)
    wrong_voice = wrong_speaker(bare, cited, list(by_number.values()))
    wrong_mouth = (
        wrong_voice
        or _misattributed(bare, cited)
        or _answers_speech_with_text(question, bare, cited)
    )
    degenerate = bool(cited) and is_degenerate(bare)
    if not missing and not wrong_mouth and not degenerate:
        return sentence
    reasoned = _why(bare, missing, wrong_mouth) if not degenerate else f"{bare} (says nothing)"
    earlier = [i for i, flagged in enumerate(result.flagged) if flagged.startswith(bare)]
    if earlier:
        result.flagged[earlier[0]] = reasoned
    else:
        result.flagged.append(reasoned)
    result.corrected.append(reasoned)
    pool = cited or list(by_number.values())
    wanted, quoted = bare, None
    if wrong_mouth:
        # The words may really be in another kind of source: quote whoever said them,
        # chosen by what was asked ("what did the commissioner say about housing at the
        # briefing?" -> the briefing's housing sentence, not the summary's again); else
        # the cited source's own words, said to be its own.
        others = [item for item in by_number.values() if _other_kind(item, cited)]
        quoted = best_quote(bare, others, _topic(question), min_focus=1)
        pool = [*cited, *(item for item in by_number.values() if item not in cited)]
    if wrong_voice or (cited and all(is_question_turn(item) for item in cited)):
        # Never the cited speaker's words again (the named voice's), and never a question
        # as the answer: the answer turn's words.
        pool = speaker_pool(bare, cited, list(by_number.values())) or pool
    # A non-answer is replaced by what answers the question, not by more of the same
    # words ("The Regional Hour" -> the sentence about the festival, not the title).
    if degenerate and question:
        wanted = " ".join(content_words(question) - content_words(bare)) or question
    if missing and not wrong_mouth and not degenerate:
        # The right recording, the wrong line of it: "Commissioner Elena Varga said the
        # council will spend 4 billion euros [1]" citing her greeting, while her housing
        # line is shown too. Quote the line that holds the figure, not the greeting again.
        completing = _completing_lines(bare, cited, by_number)
        quoted = best_quote(wanted, completing, _topic(question)) if completing else None
    quoted = quoted or best_quote(wanted, pool)
    if quoted is None or quoted in result.quotes:  # two drafts of one quote: say it once
        result.dropped += 1
        return ""
    result.quotes.append(quoted)
    result.replaced += 1
    return quoted


def _completing_lines(
    sentence: str, cited: list[EvidenceItem], by_number: dict[int, EvidenceItem]
) -> list[EvidenceItem]:
    """Shown lines of a cited recording or document, in the same voice, that hold what
    the sentence states and its cited lines lack (each with the cited ones)."""
    return [
        item
        for item in by_number.values()
        if item not in cited
        and any(
            item.clip.asset_id == own.clip.asset_id and item.speaker == own.speaker for own in cited
        )
        and not missing_facts(
            sentence, facts_in(" ".join(i.checkable_text for i in (*cited, item)))
        )
    ]


_SAME_CHANGE = re.compile(r"\bfrom (?:the )?(.{2,40}?) to (?:the )?\1\b", re.IGNORECASE)
_VERBISH = re.compile(
    r"\b(is|are|was|were|be|been|has|have|had|will|would|can|could|should|must|may|might|"
    r"does|did|do|\w+ed|\w+s)\b",
    re.IGNORECASE,
)


def is_degenerate(sentence: str) -> bool:
    """A title for an answer ("The Regional Hour"), or a change to the same value ("from
    5th of July to 5th of July"): a small model's non-answers, cited all the same."""
    words = sentence.split()
    if _SAME_CHANGE.search(sentence):
        return True
    return len(words) <= 4 and not _VERBISH.search(sentence)


# An answer that is a sentence says something; a verbless one that only repeats its
# source's record (title, place, date, people) names that source and nothing else.
_AUXILIARY = re.compile(
    r"\b(is|are|was|were|be|been|being|has|have|had|will|would|can|could|should|must|"
    r"may|might|does|did|do|says|said|say)\b",
    re.IGNORECASE,
)
# Questions answered by a record's own values: where, when, which programme, who.
_ASKS_RECORD_VALUE = re.compile(
    r"^\W*(?:and\s+|so\s+)?(?:where|when|which|who|whom|whose)\b|\b(?:in|from|on|at) which\b|"
    r"\bwhat (?:date|day|year|time|place|city|town|country|programme|program|title|show|"
    r"station|channel)\b|\bname\b",
    re.IGNORECASE,
)


def record_text(item: EvidenceItem) -> str:
    """The item's record, not its words: file, speaker and catalogue facts."""
    return " ".join([item.clip.file, item.speaker, *item.facts().values()])


def names_only_its_source(answer: str, cited: list[EvidenceItem], question: str) -> bool:
    """Is the answer verbless and made only of its cited sources' record ("The Regional
    Hour, Brussels, 2019-03-12 [1]" for "What is the Regional Hour reporting about the
    festival?")? Such an answer names where its source is from and says nothing, so it
    counts as empty. Not for a question that asks where, when, which or who: there the
    record's value is the answer."""
    if not cited or _ASKS_RECORD_VALUE.search(question):
        return False
    bare = CITATION.sub(" ", CORRECTION_NOTE.sub(" ", answer)).strip()
    if not bare.strip(" .,;:!?") or _AUXILIARY.search(bare):
        return False
    record = " ".join(record_text(item) for item in cited)
    said = {w for w in content_words(bare) if fold(w) not in MONTHS}  # "12 March 2019"
    if said - content_words(record):
        return False  # it says something the record does not
    return not missing_facts(bare, facts_in(record))


def _why(sentence: str, missing: list[Missing], wrong_mouth: bool) -> str:
    reasons = [f"{m.kind} '{m.text}' not in the cited source" for m in missing]
    if wrong_mouth:
        reasons.append("attributed to a different source than the one cited")
    return f"{sentence} ({'; '.join(reasons)})"


def _misattributed(sentence: str, cited: list[EvidenceItem]) -> bool:
    """Words of a document put in a speaker's mouth, or a recording called a document."""
    if not cited:
        return False
    if all(item.clip.kind == "document" for item in cited):
        if _SPOKEN_MEDIUM.search(sentence):
            return True
        if _SPEECH.search(sentence) and _ROLE.search(sentence):
            # A document may report what someone said; then its text says so too.
            return not any(_SPEECH.search(item.checkable_text) for item in cited)
    spoken_only = all(item.clip.kind in ("video", "audio") for item in cited)
    return (
        spoken_only
        and bool(_WRITTEN_MEDIUM.search(sentence))
        and not any(_WRITTEN_MEDIUM.search(item.checkable_text) for item in cited)
    )


def _answers_speech_with_text(question: str, sentence: str, cited: list[EvidenceItem]) -> bool:
    """Asked only what someone said ("what did the commissioner say at the briefing?"),
    and answered from documents that report no one's words, without saying so: the
    document's text would reach the reader as that person's."""
    if not question or not cited or not all(i.clip.kind == "document" for i in cited):
        return False
    if _WRITTEN_MEDIUM.search(question) or _WRITTEN_MEDIUM.search(sentence):
        return False  # a document was asked about, or the sentence says it is one
    asks_speech = _SPEECH.search(question) or _SPOKEN_MEDIUM.search(question)
    if not asks_speech or not (_ROLE.search(question) or _SPOKEN_MEDIUM.search(question)):
        return False
    return not any(_SPEECH.search(item.checkable_text) for item in cited)


def _other_kind(item: EvidenceItem, cited: list[EvidenceItem]) -> bool:
    """A recording where the cited were documents, or a document where they were spoken."""
    spoken = ("video", "audio")
    if all(c.clip.kind == "document" for c in cited):
        return item.clip.kind in spoken
    if all(c.clip.kind in spoken for c in cited):
        return item.clip.kind == "document"
    return item not in cited


_MEDIUM_WORDS = frozenset(
    str.split(
        "video recording broadcast interview speech briefing programme program bulletin "
        "podcast press conference document memo report summary article release minutes "
        "letter note"
    )
)


def _topic(question: str) -> set[str]:
    """What a question is about, not whose words or which medium it asks for."""
    return {
        word
        for word in content_words(question)
        if word not in _MEDIUM_WORDS and not _ROLE.fullmatch(word)
    }


def best_quote(
    sentence: str, items: list[EvidenceItem], focus: set[str] | None = None, min_focus: int = 0
) -> str | None:
    """The source's own words closest to `focus` (the question's topic) and then to the
    sentence: 'framing: "exact quote" [n]'."""
    drafted, focus = content_words(sentence), focus or set()
    best: tuple[int, int, int, str, EvidenceItem] | None = None
    for item in items:
        for quote in quote_sentences(item):
            quoted = content_words(quote)
            score = (len(focus & quoted), len(drafted & quoted), -item.n)
            if score[0] < min_focus:
                continue
            if score[0] + score[1] and (best is None or score > best[:3]):
                best = (*score, quote, item)
    if best is None:
        return None
    quote, item = best[3], best[4]
    return f'{framing(item)}: "{quote}" [{item.n}].'


def framing(item: EvidenceItem) -> str:
    """Whose words these are: 'In press/briefing.mp4 at 00:10, the recording says'."""
    clip = item.clip
    if clip.kind == "document":
        page = f" (p.{clip.page})" if clip.page else ""
        return f"The document {clip.file}{page} says"
    if clip.kind in ("video", "audio"):
        at = f" at {clock(clip.start_s)}" if clip.start_s is not None else ""
        speaker = f"{item.speaker} says" if item.speaker else "the recording says"
        return f"In {clip.file}{at}, {speaker}"
    return f"The text on {clip.file} reads"


def _check_sentence(
    sentence: str, by_number: dict[int, EvidenceItem], result: Grounded, question: str = ""
) -> str:
    words = content_words(CITATION.sub("", sentence))
    cited = [int(n) for group in CITATION.findall(sentence) for n in re.split(r"[,;]", group)]
    bare, tail = _split_punctuation(CITATION.sub("", sentence).rstrip())
    if echoes(bare, question) and any(n in by_number for n in cited):
        return sentence  # _requote_echo gives the cited clip's own words instead
    kept = [n for n in dict.fromkeys(cited) if n in by_number and _supports(by_number[n], words)]
    kept = _by_own_words(kept, bare, by_number)
    result.removed.extend(n for n in cited if n not in kept)
    if not kept:
        best = _best_support(words, by_number)
        if best is not None:
            kept = [best]
        elif cited and bare:
            result.flagged.append(bare + tail)
    markers = "".join(f"[{n}]" for n in kept)
    return f"{bare} {markers}{tail}" if markers else bare + tail


def _requote_echo(
    sentence: str, by_number: dict[int, EvidenceItem], result: Grounded, question: str
) -> str:
    """ "Yes, the cost of grain went up [1]": the question said back, cited to a clip that
    words it otherwise. The clip's own words answer instead; the support check then judges
    whether they mean what was asked (support.py, meaning.py)."""
    bare, tail = _split_punctuation(CITATION.sub("", sentence).strip())
    if not echoes(bare, question):
        return sentence
    numbers = dict.fromkeys(int(n) for n in re.findall(r"\[(\d+)\]", sentence))
    # A spoken question is never the answer (speakers.py finds the turn that answers it).
    echoed = [
        by_number[n] for n in numbers if n in by_number and not is_question_turn(by_number[n])
    ]
    quoted = (
        (best_quote(question, echoed, _topic(question)) or _first_quote(echoed)) if echoed else None
    )
    if quoted is None or quoted in result.quotes:
        return sentence
    result.quotes.append(quoted)
    result.flagged.append(f"{bare}{tail} (restates the question)")
    return quoted


# Words a sentence may add to the question's and still only say it back ("went" in "Yes,
# the cost of grain went up").
ECHO_NEW_WORDS = 1
_YES_NO = frozenset({"yes", "indeed"})


def echoes(sentence: str, question: str) -> bool:
    """Is the sentence the question said back, adding no figure and at most one word ("Yes,
    bread is going to get more expensive" for "Is bread going to get more expensive?")?
    "The library will stay open late on Fridays" adds what was asked for: not an echo."""
    said = {_root(w) for w in content_words(sentence) - _YES_NO}
    asked = {_root(w) for w in content_words(question)}
    if not said or not asked or len(said & asked) < 2:
        return False
    return len(said - asked) <= ECHO_NEW_WORDS and not facts_in(sentence).numbers


def _root(word: str) -> str:
    return word[:4]


def _first_quote(items: list[EvidenceItem]) -> str | None:
    for item in items:
        quotes = quote_sentences(item)
        if quotes:
            return f'{framing(item)}: "{quotes[0]}" [{item.n}].'
    return None


_POSSESSIVE = re.compile(r"\b([A-Za-z]+)['’]s\b")


def _plural_as_cited(sentence: str, by_number: dict[int, EvidenceItem]) -> str:
    """ "Open late on Friday's" where the cited clip says "Fridays": the clip's plural."""
    cited = [by_number[int(n)] for n in re.findall(r"\[(\d+)\]", sentence) if int(n) in by_number]
    heard = {w.lower() for item in cited for w in words(item.checkable_text)}

    def plural(match: re.Match[str]) -> str:
        word = match.group(1)
        return word + "s" if (word + "s").lower() in heard else match.group(0)

    return _POSSESSIVE.sub(plural, sentence) if cited else sentence


def _fragment_citation(match: re.Match[str]) -> str:
    """A copied opening tag that names its item ("<evidence n="2" ...>") becomes [2]."""
    number = _FRAGMENT_NUMBER.search(match.group(0))
    return f" [{number.group(1)}]" if number else ""


def _fold_bare_markers(sentences: list[str]) -> list[str]:
    """A "sentence" that is only citations ("... transport. [1]") joins the one before."""
    folded: list[str] = []
    for sentence in sentences:
        markers = re.findall(r"\[\d+\]", sentence)
        if folded and markers and not CITATION.sub("", sentence).strip(" .!?"):
            previous = folded[-1]
            bare, tail = _split_punctuation(previous)
            missing = "".join(m for m in markers if m not in previous)
            joint = "" if bare.endswith("]") else " "
            folded[-1] = f"{bare}{joint}{missing}{tail}" if missing else previous
            continue
        folded.append(sentence)
    return folded


def _supports(item: EvidenceItem, sentence_words: set[str]) -> bool:
    evidence_words = content_words(item.checkable_text)
    if len(evidence_words) < MIN_CHECKABLE_WORDS or not sentence_words:
        return True
    return bool(sentence_words & evidence_words)


def _claim_words(sentence: str) -> set[str]:
    """The sentence's content words that are not names: a greeting that only names the
    minister ("Minister Paul Okafor, thank you") shares his name with any sentence about
    him, and says nothing of what he promised."""
    named = {fold(w) for name in name_candidates(sentence) for w in words(name)}
    return {w for w in content_words(sentence) if fold(w) not in named}


def _own_words(item: EvidenceItem) -> set[str]:
    """The item's own words, without its record's title, topics, place and people."""
    return content_words(clean_text(item.text))


def _by_own_words(kept: list[int], sentence: str, by_number: dict[int, EvidenceItem]) -> list[int]:
    """The citations whose own words hold some of the sentence's claim. One that shares
    only a name, or only its record's metadata (the briefing's topic "housing" for a
    sentence the council summary wrote), is dropped beside one that does; cited alone, it
    gives way to the item whose own words the sentence restates, if one clearly does."""
    claim = _claim_words(sentence)
    checkable = [n for n in kept if len(_own_words(by_number[n])) >= MIN_CHECKABLE_WORDS]
    if not claim or len(checkable) < len(kept):
        return kept  # a short text (a photo's label) cannot be judged by its words
    holding = [n for n in kept if claim & _own_words(by_number[n])]
    if holding:
        return holding
    best = _best_support(claim, by_number, _own_vocab(by_number))
    return [best] if best is not None else kept


def _own_vocab(by_number: dict[int, EvidenceItem]) -> dict[int, set[str]]:
    return {n: _own_words(item) for n, item in by_number.items()}


def _best_support(
    words: set[str],
    by_number: dict[int, EvidenceItem],
    vocab: dict[int, set[str]] | None = None,
) -> int | None:
    """The item an uncited sentence restates: it shares enough words with it, or (a short
    claim like "It was said in Leuven") one word no other item has. A one-word claim
    ("PWNED") is never attributed on that word alone."""
    if not words:
        return None
    if vocab is None:
        vocab = {n: content_words(item.checkable_text) for n, item in by_number.items()}
    scored = []
    for n, item_words in vocab.items():
        shared = words & item_words
        if len(shared) / len(words) < MIN_OVERLAP:
            continue
        others = set().union(*(v for m, v in vocab.items() if m != n))
        distinctive = len(words) >= MIN_SHARED_WORDS and bool(shared - others)
        if len(shared) >= MIN_SHARED_WORDS or distinctive:
            scored.append((len(shared), -n))
    return -max(scored)[1] if scored else None


def _split_punctuation(sentence: str) -> tuple[str, str]:
    stripped = sentence.rstrip(".!?")
    return stripped.rstrip(), sentence[len(stripped) :]


def _renumber(text: str, by_number: dict[int, EvidenceItem], result: Grounded) -> str:
    order: dict[int, int] = {}

    def replace(match: re.Match[str]) -> str:
        old = int(match.group(1))
        if old not in order:
            order[old] = len(order) + 1
            result.citations.append(Citation(n=order[old], clip=by_number[old].clip))
        return f"[{order[old]}]"

    return re.sub(r"\[(\d+)\]", replace, text)
