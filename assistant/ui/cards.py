"""HTML cards for clips: the image, the video or audio seeked to the clip, the document
passage highlighted, with why it matched, its metadata and where it came from.

Playback uses native <video>/<audio> with a media fragment `#t=start,end`, so the browser
seeks to the clip and stops at its end; static/app.js adds "play from the start" buttons
and the [n] citation links that scroll to a card and play it.
"""

from __future__ import annotations

from html import escape
from pathlib import PurePath
from typing import Any

from assistant.api.routes import clip_link, transcript_link
from assistant.languages import label as language_label
from assistant.schemas import Clip, MetadataValue
from assistant.ui.media import MediaLinks
from assistant.vocabulary.timefmt import clock, span

_KIND_LABEL = {"image": "Photo", "video": "Video", "audio": "Audio", "document": "Document"}
# Metadata shown first, in this order; others follow alphabetically.
_META_ORDER = (
    "title",
    "date",
    "place",
    "people",
    "topics",
    "source",
    "rights",
    "description",
    "tempo",
    "key",
    "mode",
)


# Archive files the browser would run as a page in the app's origin (scripts in an HTML
# document or an SVG): offered as downloads, never opened inline.
_ACTIVE_SUFFIXES = {
    ".html",
    ".htm",
    ".xhtml",
    ".shtml",
    ".svg",
    ".svgz",
    ".xml",
    ".mht",
    ".mhtml",
    ".js",
}


def _is_active(path: str) -> bool:
    return PurePath(path).suffix.lower() in _ACTIVE_SUFFIXES


def _file_link(url: str, path: str) -> str:
    if _is_active(path):
        return f'<a href="{escape(url)}" download>download file</a>'
    return f'<a href="{escape(url)}" target="_blank" rel="noopener">open file</a>'


def card_id(turn: int, n: int) -> str:
    return f"clip-{turn}-{n}"


def _meta_value(value: Any) -> tuple[str, str]:
    """(text, source) from a plain value or a MetadataValue-like dict."""
    source = ""
    if isinstance(value, dict) and "value" in value:
        source = str(value.get("source") or "")
        value = value["value"]
    elif isinstance(value, MetadataValue):
        source, value = str(value.source), value.value
    if isinstance(value, list):
        text = ", ".join(str(item) for item in value)
    elif isinstance(value, float):
        text = f"{value:.1f}"
    else:
        text = str(value)
    return text, source


def metadata_html(metadata: dict[str, Any]) -> str:
    if not metadata:
        return ""
    fields = [f for f in _META_ORDER if f in metadata]
    fields += sorted(f for f in metadata if f not in _META_ORDER)
    rows = []
    for field in fields:
        text, source = _meta_value(metadata[field])
        if field == "duration":  # seconds, as a journalist reads them
            text = clock(float(text)) if text.replace(".", "", 1).isdigit() else text
        if field == "language":  # codes, as a journalist reads them
            text = ", ".join(language_label(code.strip()) for code in text.split(","))
        if not text:
            continue
        origin = f' <span class="aa-origin">({escape(source)})</span>' if source else ""
        rows.append(f"<dt>{escape(field)}</dt><dd>{escape(text)}{origin}</dd>")
    return f'<dl class="aa-meta">{"".join(rows)}</dl>' if rows else ""


def _fragment(clip: Clip, offset_s: float) -> str:
    if clip.start_s is None:
        return ""
    end = f",{clip.end_s - offset_s:.2f}" if clip.end_s is not None else ""
    return f"#t={clip.start_s - offset_s:.2f}{end}"


def _media_html(clip: Clip, links: MediaLinks) -> str:
    if clip.kind == "image":
        url = links.image_url(clip.path, clip.preview)
        if not url:
            return '<p class="aa-missing">Image not available to the app.</p>'
        image = f'<img class="aa-media" src="{escape(url)}" alt="{escape(clip.file)}">'
        if _is_active(clip.path):  # an <img> runs no script; opening the SVG would
            return image
        return f'<a href="{escape(url)}" target="_blank" rel="noopener">{image}</a>'

    if clip.kind == "document":
        page = f'<span class="aa-page">page {clip.page}</span>' if clip.page else ""
        text = escape(clip.snippet) or "(no passage text)"
        return f'<div class="aa-passage">{page}<mark>{text}</mark></div>'
    found = links.play(clip)
    if not found:
        return (
            f'<p class="aa-missing">This {clip.kind} cannot be played in the browser; '
            "use the file link below.</p>"
        )
    url, offset = found
    src = escape(url + _fragment(clip, offset))
    # Player times: seconds into what is played (an excerpt starts at `offset`).
    end = f"{clip.end_s - offset:.2f}" if clip.end_s is not None else ""
    times = f'data-start="{(clip.start_s or 0) - offset:.2f}" data-end="{end}"'
    note = (
        f'<p class="aa-note">Excerpt from {clock(offset)} of the file (the player '
        "counts from the excerpt's start).</p>"
        if offset
        else ""
    )
    track = _captions_track(clip, offset)
    if clip.kind == "video":
        poster = links.preview_url(clip.preview)
        poster_attr = f' poster="{escape(poster)}"' if poster else ""
        return (
            f'<video class="aa-media aa-player" controls preload="metadata" {times}'
            f'{poster_attr} src="{src}">{track}</video>{note}'
        )
    # An <audio> shows no captions: the current cue is written under it (app.js).
    shown = '<p class="aa-captions" aria-live="polite"></p>' if track else ""
    return (
        f'<audio class="aa-media aa-player" controls preload="metadata" {times} '
        f'src="{src}">{track}</audio>{shown}{note}'
    )


def _has_speech(clip: Clip) -> bool:
    return clip.kind in ("video", "audio") and (
        bool(clip.speaker) or any(":speech:" in sid for sid in clip.segment_ids)
    )


def _captions_track(clip: Clip, offset_s: float) -> str:
    """The speaker-labelled WebVTT of the asset (times shifted for an excerpt)."""
    if not _has_speech(clip):
        return ""
    url = transcript_link(clip.asset_id, "vtt", offset_s)
    lang = f' srclang="{escape(clip.language)}"' if clip.language else ""
    return f'<track kind="captions" label="Speakers"{lang} default src="{escape(url)}">'


def _transcript_downloads(clip: Clip) -> str:
    """' · transcript: VTT SRT text' download links for a clip with speech."""
    if not _has_speech(clip):
        return ""
    links = " ".join(
        f'<a class="aa-transcript-download" href="{escape(url)}" download>{label}</a>'
        for url, label in (
            (transcript_link(clip.asset_id, fmt, download=True), label)
            for fmt, label in (("vtt", "VTT"), ("srt", "SRT"), ("txt", "text"))
        )
    )
    return f' · <span class="aa-transcript">transcript: {links}</span>'


def _why_html(clip: Clip) -> str:
    if not clip.why:
        return ""
    items = "".join(f"<li>{escape(reason)}</li>" for reason in clip.why)
    return f'<ul class="aa-why" title="why it matched">{items}</ul>'


def _clip_download(clip: Clip) -> str:
    """' · download clip' for a timed span of a video or audio (cut by the API)."""
    if (
        clip.kind not in ("video", "audio")
        or clip.start_s is None
        or clip.end_s is None
        or clip.end_s <= clip.start_s
    ):
        return ""
    url = clip_link(
        clip.asset_id, clip.start_s, clip.end_s, "mp4" if clip.kind == "video" else "m4a"
    )
    return f' · <a class="aa-clip-download" href="{escape(url)}" download>download clip</a>'


def clip_card(
    clip: Clip, *, links: MediaLinks, element_id: str, badge: str = "", show_score: bool = True
) -> str:
    """One playable card. `badge` is e.g. "[1]" for a citation."""
    when = span(clip.start_s, clip.end_s)
    head = [
        f'<span class="aa-badge">{escape(badge)}</span>' if badge else "",
        f'<span class="aa-kind aa-{clip.kind}">{_KIND_LABEL[clip.kind]}</span>',
        f'<span class="aa-time">{when}</span>' if when else "",
        f'<span class="aa-lang" title="language of this passage">'
        f"{escape(language_label(clip.language))}</span>"
        if clip.language
        else "",
        f'<span class="aa-speaker" title="who speaks here">{escape(clip.speaker)}</span>'
        if clip.speaker
        else "",
        f'<span class="aa-score" title="match score, 0–1">{clip.score:.2f}</span>'
        if show_score
        else "",
    ]
    play = (
        f'<button class="aa-play" data-target="{element_id}">▶ Play {when}</button>'
        if clip.kind in ("video", "audio") and when
        else ""
    )
    snippet = (
        f'<blockquote class="aa-snippet">{escape(clip.snippet)}</blockquote>'
        if clip.snippet and clip.kind != "document"
        else ""
    )
    file_url = links.file_url(clip.path)
    opened = f" · {_file_link(file_url, clip.path)}" if file_url else ""
    if file_url:
        opened += _clip_download(clip) + _transcript_downloads(clip)
    return (
        f'<article class="aa-card" id="{element_id}">'
        f"<header>{''.join(head)}</header>"
        f"{_media_html(clip, links)}{play}{snippet}{_why_html(clip)}"
        f"{metadata_html(clip.metadata)}"
        f'<footer class="aa-source" title="{escape(clip.path)}">{escape(clip.file)}{opened}'
        "</footer></article>"
    )


def cards_grid(cards: list[str]) -> str:
    return f'<div class="aa-grid">{"".join(cards)}</div>'


def weak_section(cards: list[str], *, weak_score: float, open_: bool) -> str:
    """Weak matches folded under a summary line (open when nothing stronger was found)."""
    if not cards:
        return ""
    plural = "es" if len(cards) > 1 else ""
    label = f"{len(cards)} weaker match{plural} (score under {weak_score:.2f})"
    return (
        f'<details class="aa-weak"{" open" if open_ else ""}><summary>{label}</summary>'
        f"{cards_grid(cards)}</details>"
    )
