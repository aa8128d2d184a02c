"""Curated metadata beside the media: `<file>.json`, `<file>.xmp` and a folder's
`metadata.csv`. Values become MetadataValue(source="sidecar", confidence=1).

A bad sidecar (unparsable, wrong types, a date that is not a date) is reported with its
reason; whatever valid fields it has are still used, and the media file is always ingested.
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.schemas import MetadataValue
from assistant.store.metadata_rules import parse_date
from assistant.vocabulary.values import value_items

LIST_FIELDS = {"people", "topics"}
CSV_NAME = "metadata.csv"
# Sidecar kinds in precedence order: a field given by several sidecars takes the first.
SIDECAR_SUFFIXES = (".json", ".xmp")

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
}
# XMP property -> our field. Place parts are joined ("Ghent, Belgium").
XMP_FIELDS = {
    "dc:title": "title",
    "dc:description": "description",
    "dc:subject": "topics",
    "dc:rights": "rights",
    "dc:creator": "creator",
    "photoshop:DateCreated": "date",
    "xmp:CreateDate": "date",
    "photoshop:Source": "source",
    "photoshop:Credit": "credit",
    "Iptc4xmpExt:PersonInImage": "people",
    "photoshop:Headline": "headline",
}
XMP_PLACE = ("Iptc4xmpCore:Location", "photoshop:City", "photoshop:State", "photoshop:Country")


# Sidecars describe one file: a few KB. Anything far larger is refused before parsing.
MAX_SIDECAR_BYTES = 2 * 1024 * 1024


class SidecarError(ValueError):
    pass


def _check_size(path: Path, max_bytes: int) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SidecarError(f"cannot read it: {exc.strerror or exc}") from exc
    if size > max_bytes:
        raise SidecarError(
            f"too large ({size // 1024} KB; ingest.max_sidecar_kb is "
            f"{max_bytes // 1024}); a sidecar describes one file in a few KB"
        )


@dataclass
class SidecarResult:
    values: list[MetadataValue] = field(default_factory=list)
    # (sidecar path, reason) for each problem found
    problems: list[tuple[Path, str]] = field(default_factory=list)
    used: list[Path] = field(default_factory=list)


def _split_list(value: Any) -> list[str]:
    if isinstance(value, list):
        items = [str(item).strip() for item in value]
    else:
        separator = ";" if ";" in str(value) else ","
        items = [part.strip() for part in str(value).split(separator)]
    return [item for item in items if item]


def validate_fields(raw: dict[str, Any]) -> tuple[list[MetadataValue], list[str]]:
    """Turn raw field -> value pairs into MetadataValues; return them and the problems."""
    values: list[MetadataValue] = []
    problems: list[str] = []
    for name, value in raw.items():
        key = str(name).strip().lower()
        if not key or value is None or value == "" or value == []:
            continue
        if key in LIST_FIELDS:
            if not isinstance(value, str | list) or not all(
                isinstance(item, str | int | float) for item in value_items(value)
            ):
                problems.append(f"'{key}' must be a list of names")
                continue
            value = _split_list(value)
        elif key == "date":
            if not isinstance(value, str | int) or parse_date(value) is None:
                problems.append(f"'date' is not a date: {value!r}")
                continue
            value = str(value).strip()
        elif isinstance(value, list):
            if not all(isinstance(item, str | int | float) for item in value):
                problems.append(f"'{key}' must be text, a number or a list of text")
                continue
            value = [str(item) for item in value]
        elif isinstance(value, bool) or not isinstance(value, str | int | float):
            problems.append(f"'{key}' must be text, a number or a list of text")
            continue
        values.append(MetadataValue(field=key, value=value, source="sidecar", confidence=1.0))
    return values, problems


def parse_json_sidecar(path: Path, max_bytes: int = MAX_SIDECAR_BYTES) -> dict[str, Any]:
    _check_size(path, max_bytes)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SidecarError(f"not valid JSON: {exc}") from exc
    except RecursionError as exc:  # json's C parser recurses once per nesting level
        raise SidecarError("JSON nested too deeply to be a sidecar of field: value pairs") from exc
    if not isinstance(data, dict):
        raise SidecarError("must be a JSON object of field: value pairs")
    return data


def _qname(prefixed: str) -> str:
    prefix, local = prefixed.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _xmp_value(description: ET.Element, prop: str) -> str | list[str] | None:
    attribute = description.get(_qname(prop))
    if attribute is not None:
        return attribute.strip()
    element = description.find(_qname(prop))
    if element is None:
        return None
    items = [
        li.text.strip() for li in element.iter(_qname("rdf:li")) if li.text and li.text.strip()
    ]
    if items:
        container = next(iter(element), None)
        is_alt = container is not None and container.tag == _qname("rdf:Alt")
        return items[0] if is_alt else items
    return (element.text or "").strip() or None


def parse_xmp_sidecar(path: Path, max_bytes: int = MAX_SIDECAR_BYTES) -> dict[str, Any]:
    _check_size(path, max_bytes)
    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError) as exc:
        raise SidecarError(f"not valid XMP/XML: {exc}") from exc
    except RecursionError as exc:
        raise SidecarError("XML nested too deeply to be an XMP sidecar") from exc
    found: dict[str, Any] = {}
    place: list[str] = []
    for description in tree.getroot().iter(_qname("rdf:Description")):
        for prop, name in XMP_FIELDS.items():
            value = _xmp_value(description, prop)
            if value and name not in found:
                found[name] = value if name != "topics" else value_items(value)
        for prop in XMP_PLACE:
            value = _xmp_value(description, prop)
            if isinstance(value, str) and value and value not in place:
                place.append(value)
    if place:
        found["place"] = ", ".join(place)
    if isinstance(found.get("creator"), list):
        found["creator"] = ", ".join(found["creator"])
    return found


@dataclass
class CsvSheet:
    rows: dict[str, dict[str, str]]  # file (relative to the sheet's folder) -> row
    problems: list[str]


def parse_metadata_csv(path: Path, max_bytes: int = 64 * MAX_SIDECAR_BYTES) -> CsvSheet:
    # One sheet describes a whole folder: it may be larger than a per-file sidecar.
    _check_size(path, max_bytes)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = [name.strip().lower() for name in reader.fieldnames or []]
            if "file" not in columns:
                raise SidecarError("needs a 'file' column naming each media file")
            rows: dict[str, dict[str, str]] = {}
            problems = []
            for number, row in enumerate(reader, start=2):
                clean = {str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k}
                name = clean.pop("file", "")
                if not name:
                    problems.append(f"row {number} has no file name")
                    continue
                rows[name.replace("\\", "/")] = clean
            return CsvSheet(rows, problems)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SidecarError(f"unreadable CSV: {exc}") from exc


class SidecarIndex:
    """Which sidecars describe which media file, for one scanned tree."""

    def __init__(
        self,
        root: Path,
        media_files: list[Path],
        sidecar_files: list[Path],
        max_bytes: int = MAX_SIDECAR_BYTES,
    ) -> None:
        self.root, self.max_bytes = root, max_bytes
        self._sidecars = set(sidecar_files)
        # A `<stem>.json` is accepted only when a single media file in its folder has that stem.
        self._stems = Counter((path.parent, path.stem) for path in media_files)
        self._sheets: dict[Path, CsvSheet | SidecarError] = {}
        self._media = set(media_files)

    def sidecars_for(self, media: Path) -> list[Path]:
        found = []
        for suffix in SIDECAR_SUFFIXES:
            full = media.with_name(media.name + suffix)
            by_stem = media.with_name(media.stem + suffix)
            if full in self._sidecars:
                found.append(full)
            elif by_stem in self._sidecars and self._stems[(media.parent, media.stem)] == 1:
                found.append(by_stem)
        return found

    def _sheet(self, folder: Path) -> CsvSheet | SidecarError | None:
        path = folder / CSV_NAME
        if path not in self._sidecars:
            return None
        if folder not in self._sheets:
            try:
                self._sheets[folder] = parse_metadata_csv(path, 64 * self.max_bytes)
            except SidecarError as exc:
                self._sheets[folder] = exc
        return self._sheets[folder]

    def _csv_rows(self, media: Path) -> list[tuple[Path, dict[str, str] | SidecarError]]:
        """Rows naming `media` in metadata.csv files of its folder and the folders above."""
        rows: list[tuple[Path, dict[str, str] | SidecarError]] = []
        folder = media.parent
        while True:
            sheet = self._sheet(folder)
            if isinstance(sheet, SidecarError):
                rows.append((folder / CSV_NAME, sheet))
            elif sheet is not None:
                row = sheet.rows.get(media.relative_to(folder).as_posix())
                if row is not None:
                    rows.append((folder / CSV_NAME, row))
            if folder == self.root or self.root not in folder.parents:
                return rows
            folder = folder.parent

    def metadata_for(self, media: Path) -> SidecarResult:
        result = SidecarResult()
        merged: dict[str, MetadataValue] = {}
        sources: list[tuple[Path, dict[str, Any] | SidecarError]] = []
        for path in self.sidecars_for(media):
            try:
                parse = parse_json_sidecar if path.suffix == ".json" else parse_xmp_sidecar
                sources.append((path, parse(path, self.max_bytes)))
            except SidecarError as exc:
                sources.append((path, exc))
        for path, row in self._csv_rows(media):
            sources.append((path, dict(row) if isinstance(row, dict) else row))
        for path, raw in sources:
            if isinstance(raw, SidecarError):
                result.problems.append((path, str(raw)))
                continue
            values, problems = validate_fields(raw)
            result.problems += [(path, problem) for problem in problems]
            result.used.append(path)
            for value in values:
                merged.setdefault(value.field, value)  # earlier sidecars take precedence
        result.values = list(merged.values())
        return result

    def sheet_problems(self) -> list[tuple[Path, str]]:
        """Problems in metadata.csv files themselves (rows without a file, unknown files)."""
        problems: list[tuple[Path, str]] = []
        for folder, sheet in sorted(self._sheets.items()):
            if isinstance(sheet, CsvSheet):
                problems += [(folder / CSV_NAME, p) for p in sheet.problems]
                missing = [n for n in sheet.rows if (folder / n) not in self._media]
                problems += [(folder / CSV_NAME, f"row for unknown file '{n}'") for n in missing]
        return problems
