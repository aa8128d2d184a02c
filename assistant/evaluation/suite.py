"""Reading an evaluation suite folder (shared/EVAL_FORMAT.md): suite.yaml + cases.jsonl.

Everything a suite author can get wrong raises AssistantError naming the file and line, so a
newsroom can write a suite without reading this code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import AssistantError
from assistant.retrieval.modalities import NAMES
from assistant.schemas import Filters

# One `answer_must_include` item: a phrase, or a list of alternative phrases.
Fact = str | list[str]


class RelevantItem(BaseModel):
    """One piece of gold evidence. `file` is relative to the suite's archive folder."""

    model_config = ConfigDict(extra="forbid")

    file: str
    start_s: float | None = None
    end_s: float | None = None
    # Documents: the retrieved passage must contain this phrase.
    contains: str | None = None
    # Speech: what is said in [start_s, end_s]; scored against the archive's transcript (WER).
    transcript: str | None = None

    @model_validator(mode="after")
    def _range(self) -> RelevantItem:
        if (self.start_s is None) != (self.end_s is None):
            raise ValueError(f"{self.file}: give both start_s and end_s, or neither")
        if self.start_s is not None and self.end_s is not None and self.start_s > self.end_s:
            raise ValueError(f"{self.file}: start_s > end_s")
        return self


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    type: Literal["search", "ask"]
    question: str = ""
    # Query uploads by modality name, written `query_<name>` in a suite ("query_image":
    # "frame.jpg"); retrieval/modalities.py names them.
    query_media: dict[str, str] = Field(default_factory=dict)
    filters: dict[str, Any] = Field(default_factory=dict)
    relevant: list[RelevantItem] = Field(default_factory=list)
    answer_must_include: list[Fact] = Field(default_factory=list)
    must_abstain: bool = False
    tags: list[str] = Field(default_factory=list)
    # Questions asked first in the same chat (an ask case that follows up on them: "and
    # what did he say after that?"). Only the last answer is scored and timed.
    earlier: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _query_fields(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fields = {f"query_{name}": name for name in NAMES}
        media = {fields[key]: value for key, value in data.items() if key in fields and value}
        kept = {key: value for key, value in data.items() if key not in fields}
        return kept | {"query_media": media} if media else kept

    @model_validator(mode="after")
    def _has_query(self) -> Case:
        if not self.question.strip() and not self.query_media:
            fields = ", ".join(f"query_{name}" for name in NAMES)
            raise ValueError(f"case {self.id}: give a question or one of {fields}")
        return self

    def query_fields(self) -> dict[str, str | None]:
        """Every `query_<name>` field as a suite writes it (None: not given)."""
        return {f"query_{name}": self.query_media.get(name) for name in NAMES}

    def parsed_filters(self) -> Filters:
        return Filters.parse(self.filters)


class Suite(BaseModel):
    name: str
    description: str = ""
    folder: Path
    archive: Path
    queries: Path
    cases: list[Case]
    # Settings the archive needs, over the profile's (e.g. `asr: {languages: [en, fr]}`:
    # the languages its newsroom would declare).
    settings: dict[str, Any] = Field(default_factory=dict)

    def query_path(self, relative: str | None) -> Path | None:
        """`frame.jpg` and `queries/frame.jpg` name the same file: users write either."""
        if relative is None:
            return None
        parts = Path(relative).parts
        if len(parts) > 1 and parts[0] == self.queries.name:
            return self.queries.joinpath(*parts[1:])
        return self.queries / relative


def load_suite(folder: Path) -> Suite:
    folder = Path(folder)
    spec_path = folder / "suite.yaml"
    if not spec_path.is_file():
        raise AssistantError(
            f"{folder} has no suite.yaml.",
            hint="An eval suite is a folder with suite.yaml, cases.jsonl, archive/ and queries/.",
        )
    spec = _read_yaml(spec_path)
    archive = (folder / str(spec.get("archive", "archive"))).resolve()
    if not archive.is_dir():
        raise AssistantError(
            f"The suite's archive folder {archive} does not exist.",
            hint="Set `archive:` in suite.yaml to a folder relative to it "
            "(for the sample suite run scripts/make_sample_archive.py first).",
        )
    suite = Suite(
        name=str(spec.get("name") or folder.name),
        description=str(spec.get("description", "")),
        folder=folder.resolve(),
        archive=archive,
        queries=(folder / str(spec.get("queries", "queries"))).resolve(),
        cases=read_cases(folder / "cases.jsonl"),
        settings=dict(spec.get("settings") or {}),
    )
    _check_queries_exist(suite)
    return suite


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        values = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise AssistantError(f"{path} is not valid YAML: {exc}", hint="Fix its syntax.") from exc
    if not isinstance(values, dict):
        raise AssistantError(f"{path} must be a mapping (name:, archive:, ...).")
    return values


def read_cases(path: Path) -> list[Case]:
    if not path.is_file():
        raise AssistantError(f"{path} does not exist.", hint="Write one JSON case per line.")
    cases: list[Case] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            case = Case.model_validate(json.loads(line))
            case.parsed_filters()
        except (json.JSONDecodeError, ValidationError, AssistantError) as exc:
            raise AssistantError(
                f"{path}:{number}: bad case: {exc}",
                hint="See shared/EVAL_FORMAT.md for the fields a case may have.",
            ) from exc
        if case.id in seen:
            raise AssistantError(f"{path}:{number}: duplicate case id '{case.id}'.")
        seen.add(case.id)
        cases.append(case)
    if not cases:
        raise AssistantError(f"{path} holds no cases.")
    return cases


def _check_queries_exist(suite: Suite) -> None:
    for case in suite.cases:
        for relative in case.query_media.values():
            path = suite.query_path(relative)
            if path is not None and not path.is_file():
                raise AssistantError(
                    f"Case '{case.id}' uses {relative}, which is not in {suite.queries}.",
                    hint="Query media live in the suite's queries/ folder.",
                )
