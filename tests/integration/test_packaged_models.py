"""Each packaged model loads through the real adapter and runs once on real input."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings, load_settings
from assistant.models.base import ChatRequest
from assistant.models.provider import ModelProvider

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def provider() -> ModelProvider:
    return ModelProvider(load_settings("test").models)


@pytest.fixture(scope="module")
def spoken_sentence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wav = tmp_path_factory.mktemp("speech") / "sentence.wav"
    subprocess.run(
        [
            "espeak-ng",
            "-v",
            "en-us",
            "-s",
            "140",
            "-w",
            str(wav),
            "The council approved the new budget for public transport on Monday.",
        ],
        check=True,
    )
    return wav


def test_whisper_transcribes_espeak_speech_with_word_timings(
    provider: ModelProvider, spoken_sentence: Path
) -> None:
    transcript = provider.asr().transcribe(spoken_sentence)
    words = transcript.text.lower()
    for expected in ("council", "budget", "public transport", "monday"):
        assert expected in words
    timed = [w for s in transcript.segments for w in s.words]
    assert timed, "word timestamps are kept"
    assert all(0 <= w.start_s <= w.end_s <= transcript.duration_s + 0.5 for w in timed)
    assert [w.start_s for w in timed] == sorted(w.start_s for w in timed)


def test_text_encoder_ranks_the_similar_pair_higher(provider: ModelProvider) -> None:
    encoder = provider.text()
    vectors = encoder.encode_passages(
        [
            "The minister spoke about rising energy prices this winter.",
            "Heating and electricity costs are going up, the minister said.",
            "A football match ended in a draw on Saturday.",
        ]
    )
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > unrelated + 0.2


def test_small_gguf_generates_text(provider: ModelProvider) -> None:
    reply = provider.llm().complete(
        ChatRequest([{"role": "user", "content": "Say hello."}], max_tokens=8)
    )
    assert isinstance(reply, str) and reply.strip()


def test_grammar_constrained_json_from_the_1_5b_model() -> None:
    """The default profile's Qwen 1.5B answers inside a JSON schema (how the agent picks tools)."""
    import json

    settings: Settings = load_settings("default")
    llm = ModelProvider(settings.models).llm()
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    }
    reply = llm.complete(
        ChatRequest(
            [{"role": "user", "content": "What is the capital of France? Answer in JSON."}],
            max_tokens=24,
            json_schema=schema,
        )
    )
    assert json.loads(reply)["city"].strip().lower() == "paris"
