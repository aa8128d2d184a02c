"""Sidecar metadata: <file>.json, <stem>.json when unambiguous, .xmp, metadata.csv."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.ingest.sidecars import (
    SidecarIndex,
    SidecarResult,
    parse_xmp_sidecar,
    validate_fields,
)
from samples.media import FRUITS_XMP


def _index(root: Path, media: list[str], sidecars: list[str]) -> SidecarIndex:
    for name in media + sidecars:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
    return SidecarIndex(root, [root / m for m in media], [root / s for s in sidecars])


def _values(result: SidecarResult) -> dict[str, object]:
    return {v.field: v.value for v in result.values}


def test_full_name_json_sidecar(tmp_path: Path) -> None:
    index = _index(tmp_path, ["IMG_1.jpg"], ["IMG_1.jpg.json"])
    (tmp_path / "IMG_1.jpg.json").write_text(
        json.dumps(
            {"title": "Flood", "people": "Ann Lee; Bo Chen", "date": "2019-05", "camera_roll": 3}
        )
    )
    result = index.metadata_for(tmp_path / "IMG_1.jpg")
    assert _values(result) == {
        "title": "Flood",
        "people": ["Ann Lee", "Bo Chen"],
        "date": "2019-05",
        "camera_roll": 3,
    }
    assert all(v.source == "sidecar" and v.confidence == 1.0 for v in result.values)
    assert result.problems == []


def test_stem_json_only_when_one_file_has_that_stem(tmp_path: Path) -> None:
    index = _index(
        tmp_path, ["a/IMG_1.jpg", "b/IMG_2.jpg", "b/IMG_2.mp4"], ["a/IMG_1.json", "b/IMG_2.json"]
    )
    (tmp_path / "a/IMG_1.json").write_text('{"title": "one"}')
    (tmp_path / "b/IMG_2.json").write_text('{"title": "ambiguous"}')
    assert _values(index.metadata_for(tmp_path / "a/IMG_1.jpg")) == {"title": "one"}
    assert index.metadata_for(tmp_path / "b/IMG_2.jpg").values == []
    assert index.metadata_for(tmp_path / "b/IMG_2.mp4").values == []


def test_xmp_fields_are_read() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.xmp"
        path.write_text(FRUITS_XMP)
        found = parse_xmp_sidecar(path)
    assert found["title"] == "Market fruit stall"
    assert found["topics"] == ["food", "market"]
    assert found["place"] == "Ghent"
    assert found["date"] == "2020-09-12"
    assert found["description"].startswith("Apples and oranges")


def test_metadata_csv_rows_match_files_and_json_wins(tmp_path: Path) -> None:
    index = _index(tmp_path, ["v/a.mp4", "v/sub/b.mp4"], ["metadata.csv", "v/a.mp4.json"])
    (tmp_path / "metadata.csv").write_text(
        "file,title,topics,place\nv/a.mp4,From CSV,fire;forest,Ghent\n"
        "v/sub/b.mp4,B title,,\nv/missing.mp4,Gone,,\n"
    )
    (tmp_path / "v/a.mp4.json").write_text('{"title": "From JSON"}')
    a = _values(index.metadata_for(tmp_path / "v/a.mp4"))
    assert a == {"title": "From JSON", "topics": ["fire", "forest"], "place": "Ghent"}
    assert _values(index.metadata_for(tmp_path / "v/sub/b.mp4")) == {"title": "B title"}
    problems = index.sheet_problems()
    assert [p for _, p in problems] == ["row for unknown file 'v/missing.mp4'"]


def test_bad_sidecar_is_reported_and_other_sidecars_still_count(tmp_path: Path) -> None:
    index = _index(tmp_path, ["p.png"], ["p.png.json", "p.png.xmp"])
    (tmp_path / "p.png.json").write_text('{"title": "unterminated"')
    (tmp_path / "p.png.xmp").write_text(FRUITS_XMP)
    result = index.metadata_for(tmp_path / "p.png")
    assert _values(result)["title"] == "Market fruit stall"
    assert len(result.problems) == 1
    path, reason = result.problems[0]
    assert path.name == "p.png.json" and "not valid JSON" in reason


def test_field_validation_keeps_good_fields_and_names_bad_ones() -> None:
    values, problems = validate_fields(
        {
            "title": "ok",
            "date": "last summer",
            "people": [{"name": "x"}],
            "extra": {"a": 1},
            "topics": ["a", "b"],
            "empty": "",
        }
    )
    assert {v.field for v in values} == {"title", "topics"}
    assert len(problems) == 3
    assert any("'date' is not a date" in p for p in problems)
