"""The per-file job: one sniffed file in, its `Extracted` out. This is the seam between the
run (which decides what to extract and stores the results) and the media work (decoding,
speech, music, OCR, any analyser added to `extract`), which may run in a worker process.

A job is a module-level function `job(task, env) -> Extracted` (picklable by reference).
It may raise ExtractError (the reason is shown) and must not touch the catalog or the
vector index: everything it found travels back in `Extracted`, and the parent writes it.
Analysers added inside `extract()` run in workers with no change here; models they need
come through `IngestModels` / `ExtractContext`, built by `make_context` in both modes.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from assistant.config import Settings
from assistant.ingest.extract import ExtractContext, Extracted, ExtractError, extract
from assistant.ingest.faces import run_faces
from assistant.ingest.models import IngestModels
from assistant.ingest.picture_text import PictureText
from assistant.media.decode import MediaDecodeError, probe_duration
from assistant.media.sniff import Sniffed
from assistant.schemas import Asset


@dataclass(frozen=True)
class FileTask:
    key: int  # the run's number for this file
    asset: Asset
    path: Path
    sniffed: Sniffed


class JobEnv(Protocol):
    settings: Settings
    ctx: ExtractContext

    def duration(self, seconds: float) -> None:
        """Tell the supervisor the media's length: its time limit grows with it."""


ExtractJob = Callable[[FileTask, JobEnv], Extracted]


def make_context(
    models: IngestModels, pool: Executor, stage: Callable[[str], Any]
) -> ExtractContext:
    """The extraction context, built the same way in the parent and in workers (from the
    run's settings and models only: extraction never reaches the catalog or the index)."""
    wants = models.settings.ingest
    reader = models.ocr if wants.ocr or wants.ocr_keyframes else None
    return ExtractContext(
        models.settings,
        models.transcriber,
        pool,
        stage,
        models.clip,
        PictureText(models.provider, reader, models.captions, photos=wants.ocr),
        run_faces(wants, models.provider, models.report.warn),
        sound=models.sound_tagger,
        labeler=models.object_labeler,
        speaker_encoder=models.speaker_encoder,
    )


def extract_job(task: FileTask, env: JobEnv) -> Extracted:
    """The default job: bound the media's length from its header, then extract."""
    if task.sniffed.kind in ("video", "audio"):
        try:
            declared = probe_duration(task.path)
        except MediaDecodeError as exc:
            raise ExtractError(str(exc)) from exc
        limit = env.settings.ingest.max_duration_s
        if declared is not None and declared > limit:
            raise ExtractError(
                f"media too long ({declared / 3600:.1f} h; ingest.max_duration_s "
                f"is {limit:.0f}); raise the limit if the file is genuine"
            )
        if declared is not None:
            env.duration(declared)
    return extract(task.asset, task.path, task.sniffed, env.ctx)


@dataclass
class InProcessEnv:
    """The job's environment when ingest.workers is 0 (debugging: one process)."""

    settings: Settings
    ctx: ExtractContext

    def duration(self, seconds: float) -> None:
        return None
