"""Speech recognition: faster-whisper (default, CTranslate2 int8) or openai-whisper."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from assistant.models.base import SpeechSegment, Transcript, Word


class FasterWhisperTranscriber:
    def __init__(
        self,
        folder: Path | str,
        *,
        threads: int = 2,
        compute_type: str = "int8",
        beam_size: int = 1,
        name: str = "",
    ) -> None:
        self.folder = folder
        self.threads = threads
        self.compute_type = compute_type
        self.beam_size = beam_size
        self.name = name or f"faster-whisper {Path(folder).name}"
        self._model: Any = None

    def load(self) -> None:
        if self._model is None:
            from faster_whisper import WhisperModel

            self._model = WhisperModel(
                str(self.folder),
                device="cpu",
                compute_type=self.compute_type,
                cpu_threads=self.threads,
                local_files_only=True,
            )

    def transcribe(self, audio: np.ndarray | Path, language: str | None = None) -> Transcript:
        return self._run(audio, language, "transcribe")

    def translate(self, audio: np.ndarray | Path, language: str | None = None) -> Transcript:
        """Whisper's translate task: English text of speech in `language`."""
        translated = self._run(audio, language, "translate")
        return Transcript("en", translated.duration_s, translated.segments)

    def _run(self, audio: np.ndarray | Path, language: str | None, task: str) -> Transcript:
        self.load()
        source = str(audio) if isinstance(audio, Path) else audio
        segments, info = self._model.transcribe(
            source,
            language=language,
            task=task,
            beam_size=self.beam_size,
            word_timestamps=True,
            vad_filter=False,
            condition_on_previous_text=False,
        )
        converted = tuple(
            SpeechSegment(
                start_s=float(s.start),
                end_s=float(s.end),
                text=s.text.strip(),
                words=tuple(
                    Word(float(w.start), float(w.end), w.word.strip(), float(w.probability))
                    for w in (s.words or [])
                ),
            )
            for s in segments
            if s.text.strip()
        )
        return Transcript(info.language, float(info.duration), converted)

    def language_probabilities(self, audio: np.ndarray | Path) -> list[tuple[str, float]]:
        """Whisper's probability for each of its languages (first 30 s), best first."""
        self.load()
        from faster_whisper import decode_audio

        samples = decode_audio(str(audio)) if isinstance(audio, Path) else audio
        _, _, ranked = self._model.detect_language(samples.astype(np.float32))
        return [(str(code), float(p)) for code, p in ranked]


class OpenAIWhisperTranscriber:
    """The reference implementation; needs a .pt checkpoint (local path or download)."""

    def __init__(self, checkpoint: Path | str, *, threads: int = 2, name: str = "") -> None:
        self.checkpoint = checkpoint
        self.threads = threads
        self.name = name or f"openai-whisper {Path(checkpoint).stem}"
        self._model: Any = None

    def load(self) -> None:
        if self._model is None:
            import torch
            import whisper

            torch.set_num_threads(self.threads)
            self._model = whisper.load_model(str(self.checkpoint), device="cpu")

    def translate(self, audio: np.ndarray | Path, language: str | None = None) -> None:
        return None  # not offered with this backend: no translation segments

    def language_probabilities(self, audio: np.ndarray | Path) -> list[tuple[str, float]]:
        return []  # not offered with this backend: Whisper detects while transcribing

    def transcribe(self, audio: np.ndarray | Path, language: str | None = None) -> Transcript:
        self.load()
        source: Any = str(audio) if isinstance(audio, Path) else audio.astype(np.float32)
        result = self._model.transcribe(
            source,
            language=language,
            word_timestamps=True,
            fp16=False,
            condition_on_previous_text=False,
        )
        segments = tuple(
            SpeechSegment(
                float(s["start"]),
                float(s["end"]),
                s["text"].strip(),
                tuple(
                    Word(
                        float(w["start"]),
                        float(w["end"]),
                        w["word"].strip(),
                        float(w.get("probability", 1.0)),
                    )
                    for w in s.get("words", [])
                ),
            )
            for s in result["segments"]
            if s["text"].strip()
        )
        duration = segments[-1].end_s if segments else 0.0
        return Transcript(result.get("language", language or ""), duration, segments)
