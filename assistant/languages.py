"""Language codes as the archive stores them: ISO 639-1, lower case ("fr", "de").

Pure helpers (no model): filters, settings and the UI accept a code or a common name
("French", "français", "Deutsch") and store the code. Whisper and the text detector both
speak ISO 639-1, so their answers compare directly.
"""

from __future__ import annotations

# Names a journalist may type, in English and in the language itself.
NAMES: dict[str, str] = {
    "english": "en",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "german": "de",
    "deutsch": "de",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "castellano": "es",
    "italian": "it",
    "italiano": "it",
    "portuguese": "pt",
    "português": "pt",
    "portugues": "pt",
    "dutch": "nl",
    "nederlands": "nl",
    "polish": "pl",
    "polski": "pl",
    "catalan": "ca",
    "català": "ca",
    "swedish": "sv",
    "svenska": "sv",
    "danish": "da",
    "dansk": "da",
    "norwegian": "no",
    "norsk": "no",
    "finnish": "fi",
    "suomi": "fi",
    "greek": "el",
    "romanian": "ro",
    "română": "ro",
    "czech": "cs",
    "čeština": "cs",
    "hungarian": "hu",
    "magyar": "hu",
    "russian": "ru",
    "ukrainian": "uk",
    "turkish": "tr",
    "türkçe": "tr",
    "arabic": "ar",
    "welsh": "cy",
    "irish": "ga",
    "basque": "eu",
    "euskara": "eu",
    "galician": "gl",
    "galego": "gl",
}
# Code -> English name, for cards and answers.
LABELS: dict[str, str] = {
    code: name.capitalize() for name, code in reversed(NAMES.items()) if name.isascii()
}
LABELS.update(
    {
        "en": "English",
        "fr": "French",
        "de": "German",
        "es": "Spanish",
        "it": "Italian",
        "pt": "Portuguese",
        "nl": "Dutch",
    }
)


def normalise(value: str) -> str:
    """'French' / 'FR' / 'fr-CA' -> 'fr'. Raises ValueError for what is not a language."""
    text = value.strip().lower()
    if text in NAMES:
        return NAMES[text]
    base = text.replace("_", "-").split("-")[0]
    if 2 <= len(base) <= 3 and base.isascii() and base.isalpha():
        return base
    raise ValueError(f"'{value}' is not a language code (use e.g. en, fr, de, es)")


def label(code: str | None) -> str:
    """'fr' -> 'French'; unknown codes are shown as they are."""
    if not code:
        return ""
    return LABELS.get(code, code)
