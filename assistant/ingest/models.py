"""Which models this ingest run can use. CLIP and speech recognition are optional: without
them ingest indexes everything else and says once, plainly, what is off and how to fix it.
The text encoder is required as soon as there is text to embed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol, TypeVar, cast

from assistant.config import Settings
from assistant.enrich.language import TextLanguage
from assistant.enrich.ocr import OcrReader
from assistant.enrich.visual import VQA_OFF_HINT, vqa_available
from assistant.models.base import ImageTextEncoder, TextEncoder, Transcriber
from assistant.models.object_labels import INSTALL_HINT as LABELS_HINT
from assistant.models.object_labels import EfficientNetLite0, ObjectLabeler, labeler_available
from assistant.models.provider import ModelProvider
from assistant.models.registry import how_to_fix
from assistant.models.sound_events import INSTALL_HINT as SOUND_HINT
from assistant.models.sound_events import SoundTagger, YamnetOnnx, yamnet_available
from assistant.models.speaker import SpeakerEncoder
from assistant.progress import ProgressSink

VISUAL_OFF = "visual-search-off"
SPEECH_OFF = "speech-search-off"
CAPTIONS_OFF = "ingest-captions-off"
SOUND_OFF = "sound-events-off"
LABELS_OFF = "object-labels-off"
SPEAKERS_OFF = "speakers-off"

T = TypeVar("T")


class Warns(Protocol):
    def warn(self, message: str) -> bool:
        """Record a warning; True when it is new (then it is also said as a notice)."""
        ...


class IngestModels:
    """`report` is the run's ReportBuilder (a worker's pipe to it in ingest workers).
    `load_clip=False` in ingest workers: pictures go back to the parent, which encodes
    them with CLIP."""

    def __init__(
        self,
        settings: Settings,
        provider: ModelProvider,
        report: Warns,
        progress: ProgressSink,
        load_clip: bool = True,
    ) -> None:
        self.settings, self.provider = settings, provider
        self.report, self.progress = report, progress
        self._lock = threading.Lock()
        # name -> the optional model built for it on first use (None: off this run).
        self._built: dict[str, object] = {}
        self.clip = self._clip() if load_clip else None
        self.captions = self._captions()
        # Language of written text (loaded on first use; the archive's languages only).
        self.language = TextLanguage(settings.asr.languages)

    def _say_once(self, key: str, message: str) -> None:
        """In the run's report, and said to the user the first time this run. `key` names
        what is off (VISUAL_OFF, ...) for readers of this module."""
        if self.report.warn(message):
            self.progress.notice(message)

    def _fix(self, role: str) -> str:
        registry = self.provider.registry
        return how_to_fix(role, registry.spec(role))

    def _clip(self) -> ImageTextEncoder | None:
        models = self.provider
        problem = ""
        if models.available("clip"):
            try:
                clip = models.clip()
                clip.load()
                return clip
            except Exception as exc:
                problem = f" (CLIP failed to load: {exc})"
        self._say_once(
            VISUAL_OFF,
            f"Visual search is off: no CLIP weights{problem}. Photos and video keyframes are "
            "indexed (thumbnails, perceptual hashes, metadata, speech) without visual vectors; "
            f"to enable it, {self._fix('clip')}, then run `assistant ingest` again: it fills "
            "in the missing vectors without redoing the rest.",
        )
        return None

    def text(self) -> TextEncoder:
        return self.provider.text()

    def _once(self, name: str, build: Callable[[], T | None]) -> T | None:
        """`build()` the first time this run asks for `name` (under the lock: parallel
        files share one model); its result, None included, every time after."""
        with self._lock:
            if name not in self._built:
                self._built[name] = build()
            return cast("T | None", self._built[name])

    def transcriber(self) -> Transcriber | None:
        return self._once("asr", self._transcriber)

    def _transcriber(self) -> Transcriber | None:
        if self.provider.available("asr"):
            return self.provider.asr()
        self._say_once(
            SPEECH_OFF,
            "Speech search is off: no speech recognition weights, so audio and "
            f"video sound are not transcribed; to enable it, {self._fix('asr')}, "
            "then re-ingest the audio and video files.",
        )
        return None

    def speaker_encoder(self) -> SpeakerEncoder | None:
        """The voice encoder for speaker turns, loaded on first use; None when it is off."""
        return self._once("speaker", self._speaker_encoder)

    def _speaker_encoder(self) -> SpeakerEncoder | None:
        if not self.settings.ingest.speakers:
            return None
        try:
            encoder = self.provider.speaker()
            encoder.load()
            return encoder
        except Exception as exc:
            self._say_once(
                SPEAKERS_OFF,
                f"Speaker turns are off ({exc}); to enable them, {self._fix('speaker')}, "
                "then re-ingest the audio and video files.",
            )
            return None

    def ocr(self) -> OcrReader:
        """The archive's one OCR reader, built on first use (the provider keeps it; the
        lock serialises its first build between parallel files)."""
        threads = self.settings.models.threads
        with self._lock:
            return self.provider.kept("ocr", lambda: OcrReader(threads=threads))

    def sound_tagger(self) -> SoundTagger | None:
        """The run's YAMNet, built on first use; None when off or not installed."""
        models = self.settings.models
        return self._optional(
            "sound-events",
            self.settings.ingest.sound_events,
            yamnet_available,
            (SOUND_OFF, f"Sound-event tags are off: {SOUND_HINT}"),
            lambda: YamnetOnnx(models.cache_dir, models.threads),
        )

    def object_labeler(self) -> ObjectLabeler | None:
        """The run's EfficientNet-Lite0, built on first use; None when off or missing."""
        threads = self.settings.models.threads
        return self._optional(
            "object-labels",
            self.settings.ingest.object_labels,
            labeler_available,
            (LABELS_OFF, f"Object labels are off: {LABELS_HINT}"),
            lambda: EfficientNetLite0(threads),
        )

    def _optional(
        self,
        name: str,
        enabled: bool,
        installed: Callable[[], bool],
        off: tuple[str, str],
        build: Callable[[], T],
    ) -> T | None:
        """An analyser that a setting turns on and an optional package provides: built on
        first use and kept by the provider; None when off, and said once (`off`: the key
        and the message) when it is on but not installed."""

        def wanted() -> T | None:
            if not enabled:
                return None
            if not installed():
                key, message = off
                self._say_once(key, message + " Then re-ingest the files.")
                return None
            return self.provider.kept(name, build)

        return self._once(name, wanted)

    def _captions(self) -> bool:
        """Captions at ingest: asked for in settings and a visual-QA model is present."""
        if not self.settings.ingest.captions:
            return False
        if vqa_available(self.provider):
            return True
        self._say_once(
            CAPTIONS_OFF,
            "Captions are off: ingest.captions is on but no visual question-answering model "
            f"is available. {VQA_OFF_HINT} Photos and videos ingested after that get "
            "captions.",
        )
        return False
