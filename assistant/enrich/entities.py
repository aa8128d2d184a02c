"""People, places and topics named in an asset's own speech, proposed as metadata.

Local and model-free on purpose (no NER download): Whisper writes capitalised, punctuated
text, so titled names ("Commissioner Maria Lopez", "Mayor Jansen") and places after a
location cue ("in Brussels", "at Port Talbot") can be read off with patterns. Topics are
the archive's own topic vocabulary (what catalogued assets use) found in the speech, by
words and, when a text model is available, by meaning. Everything here is a guess from
speech: confidences stay well below what `--apply-above 0.9` accepts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from assistant.models.base import TextEncoder
from assistant.schemas import Asset, MetadataValue, Provenance
from assistant.similarity import calibration
from assistant.store.catalog import Catalog
from assistant.vocabulary.values import value_items
from assistant.vocabulary.words import STOP_WORDS, content_terms, fold, words

TITLES = (
    "Prime Minister",
    "Vice President",
    "Foreign Minister",
    "Secretary General",
    "Commissioner",
    "Minister",
    "Mayor",
    "President",
    "Senator",
    "Governor",
    "Chancellor",
    "Secretary",
    "Councillor",
    "Councilor",
    "Ambassador",
    "Judge",
    "Inspector",
    "Detective",
    "Professor",
    "Doctor",
    "Dr",
    "Mr",
    "Mrs",
    "Ms",
    "General",
    "Captain",
    "Chief",
    "Director",
    "Chairman",
    "Chairwoman",
    "Spokesperson",
    "Spokesman",
    "Spokeswoman",
    "Deputy",
    "Superintendent",
    "Sergeant",
    "Officer",
    "King",
    "Queen",
    "Prince",
    "Princess",
)
PLACE_CUES = ("in", "at", "from", "near", "outside", "across", "around")
# Capitalised words that are not names: calendar words and sentence glue.
_NOT_NAMES_TEXT = """
I The A An This That These Those It He She We They You Our Their His Her My
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
May June July August September October November December Today Tomorrow Yesterday
Christmas Easter Parliament Council Government Congress Senate Court
And But Or So Then Now Here There Yes No Thank Thanks Okay OK
"""
NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())
_NAME = r"[A-Z][\w'’-]*[a-z][\w'’-]*"
_NAMES = _NAME + r"(?:\s+" + _NAME + r"){0,2}"  # one to three capitalised words
_PERSON = re.compile(r"\b(?P<title>" + "|".join(TITLES) + r")\.?\s+(?P<name>" + _NAMES + ")")
_PLACE = re.compile(r"\b(?:" + "|".join(PLACE_CUES) + r")\s+(?:the\s+)?(?P<place>" + _NAMES + ")")
TOPICS_MAX = 5
# A topic's words must all be said (folded) to count as heard; each extra mention adds.
LEXICAL_TOPIC_BASE = 0.5
# Without any topic vocabulary, the transcript's most repeated words are weak hints.
KEYWORD_TOPIC_CONFIDENCE = 0.3


def _clean_name(words: str) -> str | None:
    kept = []
    for word in words.split():
        if word in NOT_NAMES or word.lower() in STOP_WORDS:
            break
        kept.append(word.strip("'’-"))
    return " ".join(kept) if kept else None


def people_in(text: str) -> Counter[str]:
    """Titled names: 'Commissioner Maria Lopez said' -> {'Maria Lopez': 1}."""
    found: Counter[str] = Counter()
    for match in _PERSON.finditer(text):
        name = _clean_name(match["name"])
        if name:
            found[name] += 1
    return found


def places_in(text: str, people: set[str]) -> Counter[str]:
    """Capitalised spans after a location cue that are not people: 'in New York'."""
    person_words = {word for person in people for word in person.split()}
    titles = {word for title in TITLES for word in title.split()}
    found: Counter[str] = Counter()
    for match in _PLACE.finditer(text):
        place = _clean_name(match["place"])
        if place and not set(place.split()) & (person_words | titles):
            found[place] += 1
    return found


def _mentions_confidence(base: float, count: int, ceiling: float) -> float:
    return round(min(ceiling, base + 0.1 * (count - 1)), 2)


def _speech_text(catalog: Catalog, asset_id: str) -> str:
    return " ".join(s.text.strip() for s in catalog.segments(asset_id, "speech"))


def entity_values(text: str) -> list[MetadataValue]:
    """People and places named in `text`, one value per name (source "asr")."""
    people = people_in(text)
    places = places_in(text, set(people))
    values = [
        MetadataValue(
            field="people",
            value=[name],
            source="asr",
            confidence=_mentions_confidence(0.6, count, 0.8),
            provenance=Provenance(
                method="speech-entities", note=f"named with a title in speech ×{count}"
            ),
        )
        for name, count in people.most_common()
    ]
    values += [
        MetadataValue(
            field="place",
            value=place,
            source="asr",
            confidence=_mentions_confidence(0.4, count, 0.7),
            provenance=Provenance(
                method="speech-entities", note=f"said after a place cue ×{count}"
            ),
        )
        for place, count in places.most_common(3)
    ]
    return values


def topic_vocabulary(catalog: Catalog, exclude: str) -> list[str]:
    """Topics catalogued assets already use (their effective values), deduplicated."""
    seen: dict[str, str] = {}
    for asset_id, values in catalog.all_effective_metadata().items():
        topics = values.get("topics")
        if asset_id == exclude or topics is None:
            continue
        for item in value_items(topics.value):
            seen.setdefault(str(item).strip().lower(), str(item).strip())
    return [topic for key, topic in seen.items() if key]


def _lexical_topic_scores(text: str, vocabulary: list[str]) -> dict[str, float]:
    said = Counter(fold(word) for word in words(text))
    scores = {}
    for topic in vocabulary:
        terms = [fold(word) for word in content_terms(topic)]
        if terms and all(said[term] for term in terms):
            count = min(said[term] for term in terms)
            scores[topic] = min(0.8, LEXICAL_TOPIC_BASE + 0.1 * count)
    return scores


def _semantic_topic_scores(
    catalog: Catalog, text: Callable[[], TextEncoder] | None, asset_id: str, vocabulary: list[str]
) -> dict[str, float]:
    """Each topic's best calibrated cosine against the asset's speech segments (none
    without a text encoder)."""
    if text is None:
        return {}
    segments = [s.text for s in catalog.segments(asset_id, "speech") if s.text.strip()]
    if not segments:
        return {}
    encoder = text()
    cosines = encoder.encode_queries(vocabulary) @ encoder.encode_passages(segments).T
    # Meaning alone is a weaker hint than the topic's words being said: scaled down.
    scale = calibration.text_scale(encoder)
    return {
        topic: round(0.7 * calibration.text_similarity(float(row.max()), scale), 3)
        for topic, row in zip(vocabulary, cosines, strict=True)
    }


def topic_values(
    catalog: Catalog, encoder: Callable[[], TextEncoder] | None, asset: Asset
) -> list[MetadataValue]:
    """Topics for an asset from what is said in it, drawn from the archive's vocabulary."""
    text = _speech_text(catalog, asset.asset_id)
    if len(content_terms(text)) < 8:
        return []
    vocabulary = topic_vocabulary(catalog, asset.asset_id)
    if not vocabulary:
        return _keyword_topics(text)
    lexical = _lexical_topic_scores(text, vocabulary)
    semantic = _semantic_topic_scores(catalog, encoder, asset.asset_id, vocabulary)
    scores = {t: max(lexical.get(t, 0.0), semantic.get(t, 0.0)) for t in vocabulary}
    chosen = sorted((t for t in scores if scores[t] >= 0.45), key=lambda t: -scores[t])
    return [
        MetadataValue(
            field="topics",
            value=[topic],
            source="asr",
            confidence=round(scores[topic], 2),
            provenance=Provenance(
                method="speech-topics",
                note="topic words said in the speech"
                if topic in lexical
                else "speech close in meaning to the topic",
            ),
        )
        for topic in chosen[:TOPICS_MAX]
    ]


def _keyword_topics(text: str) -> list[MetadataValue]:
    counts = Counter(word.lower() for word in content_terms_all(text) if len(word) > 3)
    return [
        MetadataValue(
            field="topics",
            value=[word],
            source="asr",
            confidence=KEYWORD_TOPIC_CONFIDENCE,
            provenance=Provenance(method="speech-topics", note=f"repeated in the speech ×{count}"),
        )
        for word, count in counts.most_common(3)
        if count >= 2
    ]


def content_terms_all(text: str) -> list[str]:
    """Every content word occurrence (content_terms drops repeats)."""
    return [w for w in words(text) if w.lower() not in STOP_WORDS]


def speech_proposals(
    catalog: Catalog, encoder: Callable[[], TextEncoder] | None, asset: Asset, missing: set[str]
) -> list[MetadataValue]:
    """People, place and topics heard in the asset's speech, for the fields it lacks."""
    text = _speech_text(catalog, asset.asset_id)
    if not text:
        return []
    values = [v for v in entity_values(text) if v.field in missing]
    if "topics" in missing:
        values += topic_values(catalog, encoder, asset)
    return values
