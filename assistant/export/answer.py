"""An answer as Markdown for a story file: the text with its [n] markers, then each source
with its file, kind and timecode, and the words it was cited for."""

from __future__ import annotations

from assistant.schemas import Answer, Clip
from assistant.vocabulary.timefmt import span


def answer_markdown(answer: Answer) -> str:
    parts = [f"## {answer.question.strip() or 'Question'}", "", answer.text.strip(), ""]
    if answer.abstained:
        if answer.nearest:
            parts += ["**Nearest clips (they do not answer it):**", ""]
            parts += [f"- {_source(clip)}" for clip in answer.nearest]
        return "\n".join(parts).rstrip() + "\n"
    if answer.citations:
        parts += ["**Sources**", ""]
        for citation in answer.citations:
            parts.append(f"{citation.n}. {_source(citation.clip)}")
            if citation.clip.snippet.strip():
                parts.append(f"   > {' '.join(citation.clip.snippet.split())}")
    for sentence in answer.flagged:
        parts += ["", f"*Not supported by the sources:* {sentence}"]
    return "\n".join(parts).rstrip() + "\n"


def _source(clip: Clip) -> str:
    where = span(clip.start_s, clip.end_s)
    page = f", p. {clip.page}" if clip.page else ""
    when = f", {where}" if where else ""
    return f"`{clip.file}` ({clip.kind}{when}{page})"
