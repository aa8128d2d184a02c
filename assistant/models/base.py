"""The small Protocols every model family sits behind, and the plain data they return.

Adapters load their weights lazily, on first use, so building one costs nothing; code that
needs a model receives one of these (constructor argument), never a global.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from PIL import Image


@runtime_checkable
class ImageTextEncoder(Protocol):
    """A joint image/text space (CLIP). Rows are L2-normalised float32."""

    name: str

    def load(self) -> None:
        """Load the weights now (idempotent): ingest does, so a broken model is said
        before any file is read."""
        ...

    def encode_images(self, images: Sequence[Image.Image]) -> np.ndarray: ...

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray: ...


@runtime_checkable
class TextEncoder(Protocol):
    """Sentence embeddings for passages and queries. Rows are L2-normalised float32."""

    name: str
    # Cosines this space maps to scores 0 and 1 (retrieval/calibration.py says why).
    cosine_range: tuple[float, float]

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Word:
    start_s: float
    end_s: float
    text: str
    probability: float = 1.0


@dataclass(frozen=True)
class SpeechSegment:
    start_s: float
    end_s: float
    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Transcript:
    language: str
    duration_s: float
    segments: tuple[SpeechSegment, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        return " ".join(segment.text.strip() for segment in self.segments).strip()


@runtime_checkable
class Transcriber(Protocol):
    """Speech to timed text. `audio` is 16 kHz mono float32 samples or a media file path."""

    name: str

    def transcribe(self, audio: np.ndarray | Path, language: str | None = None) -> Transcript: ...

    def translate(self, audio: np.ndarray | Path, language: str | None = None) -> Transcript | None:
        """English text of speech in `language`; None when the backend cannot translate."""
        ...

    def language_probabilities(self, audio: np.ndarray | Path) -> list[tuple[str, float]]:
        """Each language's probability, best first; empty when the backend cannot rank
        (the caller then lets transcription detect the language)."""
        ...


Message = dict[str, Any]
# A chat model's pieces of text; callers close it to stop generation early.
TokenStream = Generator[str, None, None]


@dataclass(frozen=True)
class ChatRequest:
    """One call to a chat model: what it is shown and how it may answer. `json_schema`
    constrains the output to JSON matching the schema."""

    messages: list[Message]
    max_tokens: int
    temperature: float = 0.0
    json_schema: dict[str, Any] | None = None


@dataclass(frozen=True)
class Continuation:
    """A reply continued after `prefix` (read with the prompt, not generated) and
    constrained by `grammar` (GBNF). `keep`: keep the evaluated state afterwards for a
    later prompt that starts the same way (the query rewrite's instructions)."""

    prefix: str
    grammar: str
    keep: bool = False


@runtime_checkable
class ChatLLM(Protocol):
    """A chat model: the whole reply at once, or its pieces as they are made."""

    name: str

    def complete(self, request: ChatRequest) -> str: ...

    def stream(self, request: ChatRequest) -> TokenStream: ...


@runtime_checkable
class MeasuredLLM(Protocol):
    """A local chat model that can say what its calls cost (benchmarks set times measured
    on a busy machine against these): its tokenizer's count of a text, its own cumulative
    counters, and its speed right now."""

    def count_tokens(self, text: str) -> int: ...

    def counters(self) -> dict[str, float]:
        """Cumulative: prompt tokens really evaluated (after a reused cached prefix), tokens
        decoded, and the seconds each took; empty before the model is loaded."""
        ...

    def throughput(self, prompt: str, opening: str, max_tokens: int) -> dict[str, float]:
        """Prompt and generation tokens/s: `prompt` read from a reset context, then
        `max_tokens` generated after `opening`."""
        ...


@runtime_checkable
class VisualQA(Protocol):
    """Answers a question about an image; captions it."""

    name: str

    def answer(self, image: Image.Image, question: str) -> str: ...

    def caption(self, image: Image.Image) -> str: ...


def l2_normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)
