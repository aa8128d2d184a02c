"""Concurrent sessions never run the llama.cpp context at the same time."""

from __future__ import annotations

import threading
import time
from typing import Any

from assistant.models.base import ChatRequest
from assistant.models.llm import LlamaCppChat

HI = ChatRequest([{"role": "user", "content": "hi"}], max_tokens=4)


class OverlapDetectingLlama:
    """Records whether two calls were ever inside the model at once."""

    def __init__(self) -> None:
        self.active = 0
        self.overlapped = False
        self.kwargs: list[dict[str, Any]] = []
        self._guard = threading.Lock()

    def _enter(self) -> None:
        with self._guard:
            self.active += 1
            self.overlapped = self.overlapped or self.active > 1

    def _leave(self) -> None:
        with self._guard:
            self.active -= 1

    def create_chat_completion(self, **kwargs: Any) -> Any:
        self.kwargs.append(kwargs)
        if kwargs.get("stream"):
            return self._stream()
        self._enter()
        time.sleep(0.05)
        self._leave()
        return {"choices": [{"message": {"content": "ok"}}]}

    def _stream(self) -> Any:
        self._enter()
        for piece in ("a", "b", "c"):
            time.sleep(0.02)
            yield {"choices": [{"delta": {"content": piece}}]}
        self._leave()


def test_streams_and_completions_from_many_threads_never_overlap() -> None:
    chat = LlamaCppChat("unused.gguf")
    fake = OverlapDetectingLlama()
    chat._llama = fake  # stands in for the loaded model
    outputs: list[str] = []

    def worker(i: int) -> None:
        if i % 2:
            outputs.append("".join(chat.stream(HI)))
        else:
            outputs.append(
                chat.complete(
                    ChatRequest(HI.messages, max_tokens=4, json_schema={"type": "object"})
                )
            )

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(outputs) == ["abc"] * 3 + ["ok"] * 3
    assert not fake.overlapped
    schemas = [k["response_format"] for k in fake.kwargs if "response_format" in k]
    assert schemas == [{"type": "json_object", "schema": {"type": "object"}}] * 3


def test_stream_closed_on_another_thread_does_not_wedge_the_model() -> None:
    """The chat deadlock of issue #21: Gradio read the answer stream on one worker thread
    and the session closed it on another; the RLock was never released."""
    chat = LlamaCppChat("unused.gguf")
    chat._llama = OverlapDetectingLlama()
    stream = chat.stream(HI)
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(next(stream)))
    reader.start()
    reader.join(5)
    closer = threading.Thread(target=stream.close)
    closer.start()
    closer.join(5)
    assert first == ["a"]
    done: list[str] = []
    follower = threading.Thread(target=lambda: done.append(chat.complete(HI)))
    follower.start()
    follower.join(5)
    assert done == ["ok"], "the model stayed locked after the stream was closed"
    assert chat.queue.snapshot()["busy"] is False


def test_every_request_samples_from_the_same_seed() -> None:
    """Left to llama-cpp-python, each call is seeded from the one before: the same prompt
    sampled at temperature 0.1 then depends on how many calls the process made first."""
    from assistant.models.llm import SAMPLING_SEED

    chat = LlamaCppChat("unused.gguf")
    fake = OverlapDetectingLlama()
    chat._llama = fake
    warm = ChatRequest([{"role": "user", "content": "hi"}], max_tokens=4, temperature=0.1)
    chat.complete(warm)
    "".join(chat.stream(warm))
    chat.complete(warm)
    assert [kwargs["seed"] for kwargs in fake.kwargs] == [SAMPLING_SEED] * 3
