"""What the eval-suite builders in scripts/ share: the folders and spoken-line record of a
suite being built, a case row with the loader's defaults, the gold span of a spoken line,
the reader of a builder's case table (scripts/data/*_cases.yaml) and the command line
(`--suite`, `--force`, the built marker, suite.yaml, cases.jsonl)."""

from __future__ import annotations

import argparse
import json
import math
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from samples.media import SpokenLine


class SuiteBuilder:
    """A suite's archive/ and queries/ folders, and where each spoken line was placed."""

    def __init__(self, suite: Path) -> None:
        self.suite = suite
        self.archive = suite / "archive"
        self.queries = suite / "queries"
        self.spoken: dict[str, SpokenLine] = {}
        self.files: dict[str, str] = {}  # line key -> archive-relative file

    def build(self) -> None:
        """The suite's media from empty folders: the archive first, then the query media,
        which are cut from archive files (frames, excerpts) or spoken beside them."""
        self.fresh_folders()
        self.archive_media()
        self.query_media()

    def archive_media(self) -> None:
        raise NotImplementedError

    def query_media(self) -> None:
        raise NotImplementedError

    def fresh_folders(self) -> None:
        for folder in (self.archive, self.queries):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)

    def subfolder(self, name: str) -> Path:
        """A new folder `name` in the suite's archive."""
        folder = self.archive / name
        folder.mkdir()
        return folder

    def place(self, rel: str, lines: dict[str, tuple[float, str]], spans: list[SpokenLine]) -> None:
        """Record where each of `lines` (key -> (at_s, text)) was spoken: `spans` as the
        media builder placed them, in the archive file `rel`."""
        by_text = {span.text: span for span in spans}
        for key, (_, text) in lines.items():
            self.spoken[key] = by_text[text]
            self.files[key] = rel

    def said(self, key: str, transcript: bool = False) -> dict[str, Any]:
        """The gold item of a spoken line: its file and span, widened to tenths of a
        second so the span always holds the speech (and its words, if asked)."""
        span = self.spoken[key]
        item: dict[str, Any] = {
            "file": self.files[key],
            "start_s": math.floor(span.start_s * 10) / 10,
            "end_s": math.ceil(span.end_s * 10) / 10,
        }
        if transcript:
            item["transcript"] = span.text
        return item

    def gold(self, item: dict[str, Any]) -> dict[str, Any]:
        """A relevant item of a case table: `{said: KEY}` (`transcript: true` for its words
        too) is the spoken line KEY (`said`); any other item is written as it stands."""
        if "said" in item:
            return self.said(item["said"], item.get("transcript", False))
        return item


def case_row(
    id_: str,
    type_: str,
    question: str,
    relevant: list[dict[str, Any]],
    tags: list[str],
    **extra: Any,
) -> dict[str, Any]:
    """One cases.jsonl row, every field the loader knows written out."""
    return {
        "id": id_,
        "type": type_,
        "question": question,
        "query_image": None,
        "query_audio": None,
        "filters": {},
        "relevant": relevant,
        "answer_must_include": [],
        "must_abstain": False,
        "tags": tags,
        **extra,
    }


def load_cases(
    path: Path, gold: Callable[[dict[str, Any]], dict[str, Any]]
) -> list[dict[str, Any]]:
    """The case rows of a builder's table `path` (a YAML list of rows, each naming the
    fields that differ from case_row's defaults), each relevant item made by `gold`."""
    rows = []
    for row in yaml.safe_load(path.read_text(encoding="utf-8")):
        fields = dict(row)
        relevant = [gold(item) for item in fields.pop("relevant")]
        rows.append(
            case_row(
                fields.pop("id"),
                fields.pop("type"),
                fields.pop("question"),
                relevant,
                fields.pop("tags"),
                **fields,
            )
        )
    return rows


def load_lines(path: Path) -> dict[str, dict[str, tuple[float, str]]]:
    """The spoken lines of a builder's media (scripts/data/*_lines.yaml): by media file,
    line key -> (seconds into the file, words)."""
    table = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        name: {key: (float(at_s), str(text)) for key, (at_s, text) in lines.items()}
        for name, lines in table.items()
    }


# Where every built suite keeps its media and its uploaded queries (suite.yaml's keys).
SUITE_LAYOUT = "archive: archive\nqueries: queries\n"


def suite_main(
    argv: list[str] | None,
    script: str,
    suite_yaml: str,
    make: Callable[[Path], SuiteBuilder],
    cases: Callable[[Any], list[dict[str, Any]]],
    default_suite: Path,
) -> int:
    """The command line of a suite builder `script` (its __file__): build the suite unless
    its marker says it is built (`--force` rebuilds). `make(suite).build()` makes the media,
    `cases(builder)` the rows; suite.yaml (`suite_yaml`, then SUITE_LAYOUT) and cases.jsonl
    are written here."""
    name = Path(script).name
    parser = argparse.ArgumentParser(
        description=f"Build an eval suite ({name}; see its docstring)."
    )
    parser.add_argument("--suite", type=Path, default=default_suite)
    parser.add_argument("--force", action="store_true", help="Rebuild even if present.")
    args = parser.parse_args(argv)
    marker = args.suite / ".archive-built"
    if marker.exists() and not args.force:
        print(f"{args.suite}/archive already built (use --force to rebuild)")
        return 0
    started = time.perf_counter()
    builder = make(args.suite)
    builder.build()
    rows = cases(builder)
    (args.suite / "suite.yaml").write_text(suite_yaml + SUITE_LAYOUT)
    (args.suite / "cases.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    marker.write_text(f"scripts/{name}\n")
    size = sum(
        p.stat().st_size for p in args.suite.rglob("*") if p.is_file() and not p.is_symlink()
    )
    print(
        f"built {args.suite}: {len(rows)} cases, {size / 1e6:.1f} MB "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 0
