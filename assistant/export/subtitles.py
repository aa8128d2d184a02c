"""Speaker-labelled subtitles of an ingested audio or video file: SRT (a leading
`[Voice 2]`) or WebVTT (voice tags, `<v Voice 2>`; the voice's name once it has one).

Cues follow the speech segments (already split where the speaker changes), cut on word
timings so none runs longer than MAX_CUE_S or MAX_CUE_CHARS.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant.errors import AssistantError
from assistant.schemas import Asset, Segment
from assistant.store.catalog import Catalog
from assistant.store.voices import VoiceStore

Format = Literal["srt", "vtt"]
# What the app's transcript route serves: subtitles, or plain text ("[00:05] Voice 2: ...").
TranscriptFormat = Literal["srt", "vtt", "txt"]
MAX_CUE_S = 6.0
MAX_CUE_CHARS = 84
LINE_CHARS = 42


@dataclass(frozen=True)
class Cue:
    start_s: float
    end_s: float
    text: str
    speaker: str | None = None


def find_asset(catalog: Catalog, file: str) -> Asset:
    """The indexed asset for a path (as given, or relative to an ingested root) or an id."""
    path = Path(file).expanduser()
    candidates = catalog.assets_at_path(str(path.resolve())) if path.exists() else []
    if not candidates:
        candidates = [a for a in catalog.assets() if file in (a.rel_path, a.asset_id)]
    if not candidates and path.is_file():
        from assistant.ingest.pipeline import hash_file

        found = catalog.get_asset(hash_file(path)[0])
        candidates = [found] if found else []
    indexed = [a for a in candidates if a.status == "indexed"]
    if not indexed:
        raise AssistantError(
            f"{file} is not in the archive.",
            hint="Ingest it first (`assistant ingest FOLDER`), or give the "
            "path shown by `assistant search`.",
        )
    return indexed[0]


def speaker_names(catalog: Catalog, asset_id: str) -> dict[str, str]:
    """The asset's speaker label -> what subtitles show: the voice's name, else "Voice 2"."""
    store = VoiceStore(catalog)
    shown = {}
    for speaker in store.asset_speakers(asset_id):
        voice = store.voice(speaker.voice_id)
        shown[speaker.speaker] = voice.name if voice and voice.name else f"Voice {speaker.voice_id}"
    return shown


def cues(segments: list[Segment], names: dict[str, str]) -> list[Cue]:
    out: list[Cue] = []
    for segment in sorted(segments, key=lambda s: s.start_s or 0.0):
        who = names.get(segment.speaker or "", segment.speaker)
        if not segment.words:
            if segment.text.strip() and segment.start_s is not None:
                out.append(
                    Cue(
                        segment.start_s, segment.end_s or segment.start_s, segment.text.strip(), who
                    )
                )
            continue
        piece: list = []
        for word in segment.words:
            text = _joined([*piece, word])
            if piece and (word.end_s - piece[0].start_s > MAX_CUE_S or len(text) > MAX_CUE_CHARS):
                out.append(_cue(piece, who))
                piece = []
            piece.append(word)
        if piece:
            out.append(_cue(piece, who))
    return out


def _cue(words: list, who: str | None) -> Cue:
    return Cue(
        words[0].start_s,
        max(words[-1].end_s, words[0].start_s + 0.2),
        _joined(words),
        who,
    )


def _joined(words: list) -> str:
    """Words as text: Whisper's carry their leading space, other recognisers' do not."""
    return " ".join(w.text.strip() for w in words if w.text.strip())


def _stamp(seconds: float, sep: str) -> str:
    millis = round(max(0.0, seconds) * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{millis:03d}"


def _lines(text: str) -> str:
    return "\n".join(textwrap.wrap(text, LINE_CHARS)) or text


def to_srt(items: list[Cue]) -> str:
    blocks = []
    for n, cue in enumerate(items, start=1):
        text = f"[{cue.speaker}] {cue.text}" if cue.speaker else cue.text
        blocks.append(
            f"{n}\n{_stamp(cue.start_s, ',')} --> {_stamp(cue.end_s, ',')}\n{_lines(text)}\n"
        )
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(items: list[Cue]) -> str:
    blocks = ["WEBVTT\n"]
    for cue in items:
        text = _lines(_vtt_escape(cue.text))
        if cue.speaker:  # the voice tag's annotation runs to '>': keep it out of the name
            text = f"<v {_vtt_escape(cue.speaker)}>{text}"
        blocks.append(f"{_stamp(cue.start_s, '.')} --> {_stamp(cue.end_s, '.')}\n{text}\n")
    return "\n".join(blocks)


def subtitles(catalog: Catalog, file: str, fmt: Format) -> str:
    """Subtitles of an ingested file (AssistantError when it has no speech)."""
    if fmt not in ("srt", "vtt"):
        raise AssistantError(f"Unknown subtitle format '{fmt}'.", hint="Use srt or vtt.")
    return asset_transcript(catalog, find_asset(catalog, file).asset_id, fmt)


def asset_transcript(
    catalog: Catalog, asset_id: str, fmt: TranscriptFormat, offset_s: float = 0.0
) -> str:
    """An asset's speaker-labelled transcript as SRT, WebVTT or plain text; `offset_s`
    shifts cue times back (a player playing an excerpt that starts there), cues before it
    dropped."""
    if fmt not in ("srt", "vtt", "txt"):
        raise AssistantError(f"Unknown transcript format '{fmt}'.", hint="Use srt, vtt or txt.")
    asset = catalog.get_asset(asset_id)
    if asset is None or asset.status != "indexed":
        raise AssistantError(f"No indexed asset {asset_id}.", hint="Search the archive first.")
    if asset.kind not in ("audio", "video"):
        raise AssistantError(
            f"{asset.rel_path} is a {asset.kind}: it has no sound to subtitle.",
            hint="Give an audio or video file.",
        )
    items = cues(catalog.segments(asset_id, "speech"), speaker_names(catalog, asset_id))
    if offset_s:
        items = [
            Cue(c.start_s - offset_s, c.end_s - offset_s, c.text, c.speaker)
            for c in items
            if c.end_s > offset_s
        ]
    if not items:
        raise AssistantError(
            f"No speech was transcribed in {asset.rel_path}.",
            hint="Check `assistant models list` (speech recognition) and ingest the file again.",
        )
    if fmt == "txt":
        return to_text(items)
    return to_srt(items) if fmt == "srt" else to_vtt(items)


def to_text(items: list[Cue]) -> str:
    """One line a cue: "[00:05] Voice 2: words", a reader's transcript."""
    lines = []
    for cue in items:
        millis = round(max(0.0, cue.start_s) * 1000)
        minutes, rest = divmod(millis // 1000, 60)
        who = f"{cue.speaker}: " if cue.speaker else ""
        lines.append(f"[{minutes:02d}:{rest:02d}] {who}{cue.text}")
    return "\n".join(lines) + "\n"
