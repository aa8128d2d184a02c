"""Whose words were asked for. "What did Solène Marchetti say about the metro?" is not
answered by a clip in which someone else talks about the metro, however close its topic:
the person asked about must be the one the cited item quotes or records. So a question
that asks what a named person said (claimed, promised, announced ...) is supported only
when the asked name stands in a cited item's own words or its record (the catalogue's
people, title and speaker names, which also hold the curated spelling of a name the
recogniser misheard). Offices ("Minister", "the commissioner") and pronouns are not
names: "What did he say after that?" and "What did the commissioner say?" are left to the
other checks (support.py, speakers.py).
"""

from __future__ import annotations

import re

from assistant.agent.claims import fold
from assistant.agent.evidence import EvidenceItem
from assistant.agent.roles import OFFICES

_SPEECH_VERBS = (
    r"(?:say|said|says|claim|claimed|claims|tell|told|tells|promise|promised|promises|"
    r"announce|announced|announces|state|stated|states|warn|warned|warns|argue|argued|"
    r"argues|answer|answered|reply|replied|propose|proposed|explain|explained|mean|meant|"
    r"think|thought|want|wanted|demand|demanded)"
)
# "What did Minister Okafor say ...", "What has Elena Varga claimed ...", "What Jonas Berg
# said about ...", "According to Elena Varga, ...".
_ASKED_SPEAKER = (
    re.compile(
        rf"\b(?:did|does|do|has|have|had|will|would)\s+(?P<who>[^?.,;]{{2,60}}?)\s+"
        rf"{_SPEECH_VERBS}\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\bwhat\s+(?P<who>[^?.,;]{{2,60}}?)\s+{_SPEECH_VERBS}\b", re.IGNORECASE),
    re.compile(r"\baccording to\s+(?P<who>[^?.,;]{2,60})", re.IGNORECASE),
)
_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_OFFICES = frozenset(fold(office) for office in OFFICES)
_NOT_NAMES = frozenset(
    str.split("the a an this that he she they it i you we mr mrs ms dr sir madam lord lady")
)


def asked_speaker(question: str) -> list[str]:
    """The name words of the person whose words the question asks for ("What did
    Minister Paul Okafor say about ...?" -> ["Paul", "Okafor"]); [] when it names no one
    (a pronoun, an office alone, or no question of someone's words)."""
    for pattern in _ASKED_SPEAKER:
        found = pattern.search(question)
        if found is None:
            continue
        names: list[str] = []
        for word in _NAME_WORD.findall(found.group("who")):
            bare = re.sub(r"['’]s$", "", word)
            if fold(bare) in _OFFICES or fold(bare) in _NOT_NAMES:
                if names:
                    break
                continue  # "the", "Minister": before the name
            if not bare[:1].isupper():
                break  # "Elena Varga in ...": the name has ended; "the mayor of ...": none
            names.append(bare)
        if names:
            return names
    return []


def _held_words(item: EvidenceItem) -> set[str]:
    """The folded words of the item's text and record (file, speaker, title, people...)."""
    return {fold(word) for word in _NAME_WORD.findall(item.checkable_text)}


def words_of_asked(question: str, cited: list[EvidenceItem]) -> bool:
    """True unless the question asks for a named person's words and no cited item holds
    that name (every word of it) in its words or its record."""
    names = [fold(name) for name in asked_speaker(question)]
    if not names:
        return True
    return any(all(name in _held_words(item) for name in names) for item in cited)
