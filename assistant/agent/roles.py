"""Offices that say who someone is, not what a question is about: "Did the commissioner
resign?" is about resigning. The support check takes them out of the question's topic
(support.py) and out of both sides of the meaning check (meaning.py), and grounding reads
them as a speaker being named (grounding.py). Questions come in the newsroom's languages,
so the offices do too: English, French, Spanish and German, singular and plural."""

from __future__ import annotations

OFFICES = tuple(
    str.split(
        # English
        "commissioner minister mayor spokesman spokeswoman spokesperson president "
        "chancellor director chief official governor senator deputy councillor "
        # French
        "commissaire ministre maire porte-parole président présidente directeur directrice "
        "gouverneur sénateur sénatrice député députée conseiller conseillère chancelier "
        # Spanish
        "comisario comisaria ministro ministra alcalde alcaldesa portavoz presidenta "
        "directora gobernador gobernadora senador senadora diputado diputada concejal "
        "concejala canciller "
        # German
        "kommissar kommissarin ministerin bürgermeister bürgermeisterin sprecher sprecherin "
        "präsident präsidentin direktor direktorin gouverneurin senatorin abgeordnete "
        "abgeordneter stadtrat stadträtin kanzler kanzlerin"
    )
)


def office_alternation(extra: tuple[str, ...] = ()) -> str:
    """The offices (and `extra` words) as one regex alternation, longest first, each with
    its plural (-s, -es, -en, -nen)."""
    words = sorted({*OFFICES, *extra}, key=len, reverse=True)
    return "(?:" + "|".join(w.replace("-", r"\-") for w in words) + ")(?:s|es|en|nen)?"
