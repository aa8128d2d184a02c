"""Speech recognition: faster-whisper (default, CTranslate2 int8) or openai-whisper."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Unpack

import numpy as np

from assistant.models.base import SpeechSegment, Transcript, Word
from assistant.models.inference import FolderModel, InferenceModel, Runtime


class FasterWhisperTranscriber(FolderModel[Any]):
    def __init__(
        self,
        folder: Path | str,
        *,
        compute_type: str = "int8",
        beam_size: int = 1,
        **runtime: Unpack[Runtime],
    ) -> None:
        runtime["name"] = runtime.get("name") or f"faster-whisper {Path(folder).name}"
        super().__init__(folder, **runtime)
        self.compute_type = compute_type
        self.beam_size = beam_size

    def _load(self) -> Any:
        from faster_whisper import WhisperModel

        return WhisperModel(
            str(self.folder),
            device=self.device,
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
        source = str(audio) if isinstance(audio, Path) else audio
        segments, info = self.model.transcribe(
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
        model = self.model
        from faster_whisper import decode_audio

        samples = decode_audio(str(audio)) if isinstance(audio, Path) else audio
        _, _, ranked = model.detect_language(samples.astype(np.float32))
        return [(str(code), float(p)) for code, p in ranked]


class OpenAIWhisperTranscriber(InferenceModel[Any]):
    """The reference implementation; needs a .pt checkpoint (local path or download)."""

    def __init__(
        self, checkpoint: Path | str, *, threads: int = 2, name: str = "", device: str = "cpu"
    ) -> None:
        super().__init__(
            name=name or f"openai-whisper {Path(checkpoint).stem}", threads=threads, device=device
        )
        self.checkpoint = checkpoint

    def _load(self) -> Any:
        import whisper

        self._torch_threads()
        return whisper.load_model(str(self.checkpoint), device=self.device)

    def translate(self, audio: np.ndarray | Path, language: str | None = None) -> None:
        return None  # not offered with this backend: no translation segments

    def language_probabilities(self, audio: np.ndarray | Path) -> list[tuple[str, float]]:
        return []  # not offered with this backend: Whisper detects while transcribing

    def transcribe(self, audio: np.ndarray | Path, language: str | None = None) -> Transcript:
        source: Any = str(audio) if isinstance(audio, Path) else audio.astype(np.float32)
        result = self.model.transcribe(
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
