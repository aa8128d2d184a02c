"""An ingest run's optional models: each is decided once per run (built once and shared,
or off with one warning that says how to turn it on), however many files ask."""

from __future__ import annotations

from typing import Any

from assistant.archive import Archive
from assistant.ingest.models import IngestModels


class Report:
    def __init__(self) -> None:
        self.warnings: list[str] = []

    def warn(self, message: str) -> bool:
        new = message not in self.warnings
        self.warnings.append(message)
        return new


class Notices:
    def __init__(self) -> None:
        self.said: list[str] = []

    def update(self, stage: str, done: float, total: float, message: str = "") -> None:
        pass

    def notice(self, message: str) -> None:
        self.said.append(message)

    def working_on(self, names: list[str], done: int, total: int) -> None:
        pass


def test_a_missing_model_is_said_once_and_stays_off(archive: Archive) -> None:
    report, progress = Report(), Notices()
    models = IngestModels(archive.settings, archive.models, report, progress, load_clip=False)
    assert models.transcriber() is None and models.transcriber() is None
    assert len(report.warnings) == 1 and report.warnings[0].startswith("Speech search is off")
    assert progress.said == report.warnings  # said to the user, once
    archive.settings.ingest.speakers = False
    assert models.speaker_encoder() is None and models.speaker_encoder() is None
    assert len(report.warnings) == 1  # turned off in settings: nothing to fix, no warning


def test_a_present_model_is_built_once_per_run(archive: Archive, monkeypatch: Any) -> None:
    built: list[object] = []

    def asr() -> object:
        built.append(object())
        return built[-1]

    monkeypatch.setattr(archive.models, "available", lambda role: role == "asr")
    monkeypatch.setattr(archive.models, "asr", asr)
    models = IngestModels(archive.settings, archive.models, Report(), Notices(), load_clip=False)
    first = models.transcriber()
    assert first is not None and models.transcriber() is first and len(built) == 1
