"""`assistant export clip FILE --start 41 --end 58 -o clip.mp4`: the cut, and beside it a
provenance sidecar (`clip.mp4.json`) a story's editor can check: which archive file, which
span, its curated metadata, and what is said or shown in that span, word for word."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from assistant.errors import AssistantError
from assistant.export.subtitles import find_asset, speaker_names
from assistant.media.cut import cut_clip
from assistant.schemas import Asset, Segment
from assistant.store.catalog import Catalog
from assistant.vocabulary.kinds import QUOTED_KINDS
from assistant.vocabulary.timefmt import span


class SpanLine(BaseModel):
    start_s: float
    end_s: float
    kind: str
    speaker: str | None = None
    text: str


class ClipProvenance(BaseModel):
    clip: str
    source_file: str
    source_path: str
    asset_id: str
    start_s: float
    end_s: float
    timecode: str
    metadata: dict[str, Any]
    lines: list[SpanLine]
    citation: str
    exported_at: str
    exported_by: str


def export_clip(
    catalog: Catalog, file: str, start_s: float, end_s: float, output: Path
) -> ClipProvenance:
    asset = find_asset(catalog, file)
    if asset.kind not in ("video", "audio"):
        raise AssistantError(
            f"{asset.rel_path} is a {asset.kind}: only video and audio have clips to cut.",
            hint="Export a video or audio file.",
        )
    if asset.duration_s is not None and start_s >= asset.duration_s:
        raise AssistantError(
            f"{asset.rel_path} is only {asset.duration_s:.1f} s long.",
            hint="Give --start inside the recording.",
        )
    end_s = min(end_s, asset.duration_s) if asset.duration_s else end_s
    cut_clip(Path(asset.path), output, start_s, end_s, has_video=asset.kind == "video")
    provenance = _provenance(catalog, asset, start_s, end_s, output)
    sidecar = output.with_name(output.name + ".json")
    sidecar.write_text(provenance.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return provenance


def cached_clip(
    catalog: Catalog, folder: Path, asset_id: str, start_s: float, end_s: float, suffix: str
) -> Path:
    """A clip cut once into `folder` (DATA_DIR/exports: the app's "Download clip"), reused
    after."""
    target = folder / f"{asset_id}_{start_s:.2f}_{end_s:.2f}{suffix}"
    if not (target.is_file() and target.with_name(target.name + ".json").is_file()):
        export_clip(catalog, asset_id, start_s, end_s, target)
    return target


def _provenance(
    catalog: Catalog, asset: Asset, start_s: float, end_s: float, output: Path
) -> ClipProvenance:
    names = speaker_names(catalog, asset.asset_id)
    lines = [
        _line(s, names)
        for s in catalog.segments(asset.asset_id)
        if s.kind in QUOTED_KINDS and _overlaps(s, start_s, end_s)
    ]
    lines.sort(key=lambda line: (line.start_s, line.kind))
    timecode = span(start_s, end_s)
    metadata = {
        name: value.value for name, value in catalog.effective_metadata(asset.asset_id).items()
    }
    return ClipProvenance(
        clip=str(output.resolve()),
        source_file=asset.rel_path,
        source_path=asset.path,
        asset_id=asset.asset_id,
        start_s=start_s,
        end_s=end_s,
        timecode=timecode,
        metadata=metadata,
        lines=lines,
        citation=_citation(asset, metadata, lines, timecode),
        exported_at=datetime.now(UTC).isoformat(timespec="seconds"),
        exported_by=f"archive-assistant {version('archive-assistant')}",
    )


def _overlaps(segment: Segment, start_s: float, end_s: float) -> bool:
    if segment.start_s is None:
        return False
    return segment.start_s < end_s and (segment.end_s or segment.start_s) > start_s


def _line(segment: Segment, names: dict[str, str]) -> SpanLine:
    speaker = names.get(segment.speaker, segment.speaker) if segment.speaker else None
    return SpanLine(
        start_s=segment.start_s or 0.0,
        end_s=segment.end_s or segment.start_s or 0.0,
        kind=segment.kind,
        speaker=speaker,
        text=segment.text.strip(),
    )


def _citation(asset: Asset, metadata: dict[str, Any], lines: list[SpanLine], timecode: str) -> str:
    """'“…words…” — Title (file), 00:41–00:58, 2019-03-12, Brussels'."""
    spoken = " ".join(line.text for line in lines if line.kind == "speech") or " ".join(
        line.text for line in lines
    )
    source = ", ".join(
        str(part)
        for part in (
            f"{metadata['title']} ({asset.rel_path})" if metadata.get("title") else asset.rel_path,
            timecode,
            metadata.get("date"),
            metadata.get("place"),
        )
        if part
    )
    return f"“{spoken}” — {source}" if spoken else source
