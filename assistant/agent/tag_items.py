"""Which search hits the answer prompt can leave out because they cannot answer.

A clip matched only by its sound or object tags ("Sounds: rustle (32%), noise (32%)",
"Objects: candle (35%)") answers a question only when it names what the question asks
about ("was a siren heard?"). Otherwise it is ~35 prompt tokens of noise (~0.5 s each on 2
cores, issue 17) that also pulls a small model toward "answerable". The same words of the
same file shown twice (two matches of one line) say nothing new either.
"""

from __future__ import annotations

from assistant.vocabulary.words import STOP_WORDS, fold, words

# How the enrichers write tags (enrich/sound.py, enrich/labels.py). The text decides, not
# the clip's segment kinds: a clip merging a sound window with speech around it still
# shows the model only its tags.
TAG_PREFIXES = ("Sounds: ", "Objects: ")


def tags_only(text: str) -> bool:
    """True when what the model would read is sound or object tags."""
    return text.lstrip().startswith(TAG_PREFIXES)


def _terms(text: str) -> set[str]:
    return {
        fold(word)
        for word in (w.lower() for w in words(text))
        if len(word) >= 3 and word not in STOP_WORDS and not word.isdigit()
    }


def answers_nothing(text: str, question: str) -> bool:
    """Tags that share no word with the question (no question: kept)."""
    if not question.strip() or not tags_only(text):
        return False
    return not _terms(text) & _terms(question)
