"""Which models this ingest run can use. CLIP and speech recognition are optional: without
them ingest indexes everything else and says once, plainly, what is off and how to fix it.
The text encoder is required as soon as there is text to embed."""

from __future__ import annotations

import threading
from typing import Protocol

from assistant.archive import Archive
from assistant.enrich.language import TextLanguage
from assistant.enrich.ocr import OcrReader
from assistant.enrich.visual import VQA_OFF_HINT, vqa_available
from assistant.models.base import ImageTextEncoder, TextEncoder, Transcriber
from assistant.models.object_labels import INSTALL_HINT as LABELS_HINT
from assistant.models.object_labels import EfficientNetLite0, ObjectLabeler, labeler_available
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
        archive: Archive,
        report: Warns,
        progress: ProgressSink,
        load_clip: bool = True,
    ) -> None:
        self.archive, self.report, self.progress = archive, report, progress
        self._lock = threading.Lock()
        self._asr: Transcriber | None = None
        self._asr_checked = False
        self._ocr: OcrReader | None = None
        self._sound: SoundTagger | None = None
        self._labeler: ObjectLabeler | None = None
        self._checked: set[str] = set()
        self._speaker: SpeakerEncoder | None = None
        self._speaker_checked = False
        self.clip = self._clip() if load_clip else None
        self.captions = self._captions()
        # Language of written text (loaded on first use; the archive's languages only).
        self.language = TextLanguage(archive.settings.asr.languages)

    def _say_once(self, key: str, message: str) -> None:
        """In the run's report, and said to the user the first time this run. `key` names
        what is off (VISUAL_OFF, ...) for readers of this module."""
        if self.report.warn(message):
            self.progress.notice(message)

    def _fix(self, role: str) -> str:
        registry = self.archive.models.registry
        return how_to_fix(role, registry.spec(role))

    def _clip(self) -> ImageTextEncoder | None:
        models = self.archive.models
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
        return self.archive.models.text()

    def transcriber(self) -> Transcriber | None:
        with self._lock:
            if not self._asr_checked:
                self._asr_checked = True
                if self.archive.models.available("asr"):
                    self._asr = self.archive.models.asr()
                else:
                    self._say_once(
                        SPEECH_OFF,
                        "Speech search is off: no speech recognition weights, so audio and "
                        f"video sound are not transcribed; to enable it, {self._fix('asr')}, "
                        "then re-ingest the audio and video files.",
                    )
            return self._asr

    def speaker_encoder(self) -> SpeakerEncoder | None:
        """The voice encoder for speaker turns, loaded on first use; None when it is off."""
        with self._lock:
            if self._speaker_checked:
                return self._speaker
            self._speaker_checked = True
            if not self.archive.settings.ingest.speakers:
                return None
            try:
                encoder = self.archive.models.speaker()
                encoder.load()
                self._speaker = encoder
            except Exception as exc:
                self._say_once(
                    SPEAKERS_OFF,
                    f"Speaker turns are off ({exc}); to enable them, {self._fix('speaker')}, "
                    "then re-ingest the audio and video files.",
                )
            return self._speaker

    def ocr(self) -> OcrReader:
        """The run's one OCR reader, built on first use."""
        with self._lock:
            if self._ocr is None:
                self._ocr = OcrReader(threads=self.archive.settings.models.threads)
            return self._ocr

    def sound_tagger(self) -> SoundTagger | None:
        """The run's YAMNet, built on first use; None when off or not installed."""
        with self._lock:
            if "sound" not in self._checked:
                self._checked.add("sound")
                if self._wanted(
                    self.archive.settings.ingest.sound_events,
                    yamnet_available(),
                    SOUND_OFF,
                    f"Sound-event tags are off: {SOUND_HINT}",
                ):
                    self._sound = YamnetOnnx(
                        self.archive.settings.models.cache_dir, self.archive.settings.models.threads
                    )
            return self._sound

    def object_labeler(self) -> ObjectLabeler | None:
        """The run's EfficientNet-Lite0, built on first use; None when off or missing."""
        with self._lock:
            if "labels" not in self._checked:
                self._checked.add("labels")
                if self._wanted(
                    self.archive.settings.ingest.object_labels,
                    labeler_available(),
                    LABELS_OFF,
                    f"Object labels are off: {LABELS_HINT}",
                ):
                    self._labeler = EfficientNetLite0(
                        self.archive.settings.models.threads,
                        self.archive.settings.ingest.batch_size,
                    )
            return self._labeler

    def _wanted(self, enabled: bool, installed: bool, key: str, message: str) -> bool:
        if enabled and not installed:
            self._say_once(key, message + " Then re-ingest the files.")
        return enabled and installed

    def _captions(self) -> bool:
        """Captions at ingest: asked for in settings and a visual-QA model is present."""
        if not self.archive.settings.ingest.captions:
            return False
        if vqa_available(self.archive.models):
            return True
        self._say_once(
            CAPTIONS_OFF,
            "Captions are off: ingest.captions is on but no visual question-answering model "
            f"is available. {VQA_OFF_HINT} Photos and videos ingested after that get "
            "captions.",
        )
        return False
