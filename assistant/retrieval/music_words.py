"""Music described in words -> tempo/mode/key filters.

"slow music in a minor key" -> mode=minor, tempo_max=90; "an upbeat major track around
130 BPM" -> mode=major, tempo 121-139; "something calm under 90 BPM" -> tempo_max=90.

Only text that is about music is read (a music noun or a BPM figure): "a minor incident"
or "a major storm" stay plain words. Numbers beat adjectives ("calm under 90 BPM" is
<= 90, not the looser "calm" range), and filters the user set explicitly always win.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.schemas import Filters

# Words that make a text about music. Not "key", "beat" or "piece" alone: "the key
# issue", "beat the record" and "a piece of evidence" are not about music.
MUSIC_NOUNS = re.compile(
    r"\b(music|musical|track|tracks|song|songs|tune|tunes|melody|melodies|jingle|jingles|"
    r"soundtrack|instrumental|bpm|tempo|(?:major|minor) (?:key|mode|scale|chord))\b",
    re.I,
)
BPM = r"(?:\s*(?:bpm|beats per minute|beats a minute))"
NUMBER = r"(\d{2,3}(?:\.\d+)?)"
# How wide "around N BPM" is: +-7 % (tempo estimates are within 4 %, listeners' guesses less).
AROUND = 0.07
# Adjectives -> (tempo_min, tempo_max) when no number is given; most specific first.
TEMPO_WORDS: tuple[tuple[str, tuple[float | None, float | None]], ...] = (
    (r"very slow|slowest|largo|lento", (None, 70.0)),
    (r"slow|slower|ballad|adagio", (None, 90.0)),
    (r"calm|relaxed|relaxing|mellow|gentle|soothing|laid[- ]back", (None, 100.0)),
    (r"very fast|fastest|frantic|presto", (150.0, None)),
    (r"fast|faster|quick|rapid|energetic|lively|danceable|driving|allegro", (120.0, None)),
    (r"upbeat|up-beat|up-tempo|uptempo|brisk|bouncy", (110.0, None)),
)
# An adjective followed, at most two words on, by a music noun.
NEAR_NOUN = (
    r"(?:[\s,]+[\w'-]+){0,2}?[\s,]+(?:music|musical|tracks?|songs?|tunes?|"
    r"melod(?:y|ies)|jingles?|soundtrack|instrumental|pieces?)\b"
)
TONIC = r"([A-G])(?:\s*(#|♯|sharp|b|♭|flat))?"
KEY = re.compile(rf"\bin\s+{TONIC}\s*(major|minor)\b", re.I)
SHARP_OF_FLAT = {"Db": "C#", "Eb": "D#", "Gb": "F#", "Ab": "G#", "Bb": "A#", "Cb": "B", "Fb": "E"}


def is_about_music(text: str) -> bool:
    return bool(MUSIC_NOUNS.search(text))


def _tempo_from_numbers(text: str) -> dict[str, float]:
    lowered = text.lower()
    between = re.search(
        rf"\bbetween\s+{NUMBER}\s*(?:bpm)?\s*(?:and|-|to)\s+{NUMBER}{BPM}?", lowered
    )
    if between:
        low, high = sorted((float(between.group(1)), float(between.group(2))))
        return {"tempo_min": low, "tempo_max": high}
    bounds: dict[str, float] = {}
    for words, name in (
        (r"under|below|less than|slower than|at most|up to|<=?", "tempo_max"),
        (r"over|above|more than|faster than|at least|>=?", "tempo_min"),
    ):
        found = re.search(rf"(?:{words})\s*{NUMBER}{BPM}?", lowered)
        if found and _is_tempo(lowered, found):
            bounds[name] = float(found.group(1))
    if bounds:
        return bounds
    around = re.search(
        rf"(?:around|about|roughly|approximately|near|~|at)?\s*{NUMBER}{BPM}", lowered
    )
    if around:
        bpm = float(around.group(1))
        return {
            "tempo_min": round(bpm * (1 - AROUND), 1),
            "tempo_max": round(bpm * (1 + AROUND), 1),
        }
    return {}


def _is_tempo(text: str, found: re.Match[str]) -> bool:
    """A bound is a tempo when it says BPM or the text mentions tempo at all."""
    return (
        "bpm" in found.group(0)
        or "beats" in found.group(0)
        or bool(re.search(r"\b(bpm|tempo|beats per minute)\b", text))
    )


def _tempo_from_words(text: str) -> dict[str, float]:
    """Tempo adjectives count next to a music noun ("slow music", "an upbeat major
    track"), or anywhere in a text that speaks of tempo: "fast cars on the track" is
    not a tempo."""
    anywhere = bool(re.search(r"\b(bpm|tempo)\b", text, re.I))
    for words, (low, high) in TEMPO_WORDS:
        pattern = rf"\b(?:{words})\b" if anywhere else rf"\b(?:{words}){NEAR_NOUN}"
        if re.search(pattern, text, re.I):
            return {
                name: value
                for name, value in (("tempo_min", low), ("tempo_max", high))
                if value is not None
            }
    return {}


def _key_and_mode(text: str) -> dict[str, str]:
    key = KEY.search(text)
    if key:
        letter, accidental, mode = key.group(1).upper(), (key.group(2) or "").lower(), key.group(3)
        # "in a minor key" is the mode only; "in A minor" names the key.
        if not (letter == "A" and key.group(1) == "a" and not accidental):
            tonic = letter + (
                "#"
                if accidental in ("#", "♯", "sharp")
                else "b"
                if accidental in ("b", "♭", "flat")
                else ""
            )
            tonic = SHARP_OF_FLAT.get(tonic, tonic)
            return {"key": f"{tonic} {mode.lower()}", "mode": mode.lower()}
    modes = set(re.findall(r"\b(major|minor)\b", text.lower()))
    return {"mode": modes.pop()} if len(modes) == 1 else {}


def music_filters(text: str) -> dict[str, Any]:
    """The tempo/mode/key filters the text asks for in words ({} when it is not about
    music or names none)."""
    if not is_about_music(text):
        return {}
    found: dict[str, Any] = _tempo_from_numbers(text) or _tempo_from_words(text)
    found.update(_key_and_mode(text))
    return found


def with_music_filters(text: str, filters: Filters) -> Filters:
    """`filters` plus what the text says about music, explicit filters first. A filter
    the user set on the tempo (either bound) keeps the words off the tempo."""
    words = music_filters(text)
    if not words:
        return filters
    given = filters.model_dump(exclude_none=True)
    if "tempo_min" in given or "tempo_max" in given:
        words = {k: v for k, v in words.items() if not k.startswith("tempo")}
    if "key" in given:
        words.pop("mode", None)
    return Filters.parse({**words, **given})


def worded(filters: Filters, before: Filters) -> str:
    """The filters the words added, as `name=value` pairs for a notice."""
    old = before.model_dump(exclude_none=True)
    added = {k: v for k, v in filters.model_dump(exclude_none=True).items() if old.get(k) != v}
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in added.items())
