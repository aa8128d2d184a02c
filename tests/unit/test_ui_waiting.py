"""The chat view's queue line: ticks while the model is busy, the position shown, and a
closed view (browser gone) taking its request out of the model queue."""

from __future__ import annotations

import time
from collections.abc import Iterator

from assistant.models.generation_queue import GenerationQueue, QueueWatch
from assistant.ui.waiting import waiting_text, with_ticks


def answer_stream(q: GenerationQueue) -> Iterator[str]:
    yield "tool_started"
    yield from q.stream(lambda: (piece for piece in ["The", " answer"]))


def test_view_ticks_with_the_position_while_the_model_is_busy() -> None:
    q = GenerationQueue()
    watch = QueueWatch()
    shown: list[str | None] = []
    with q.turn():
        view = with_ticks(lambda: answer_stream(q), watch, tick_s=0.05)
        assert next(view) == "tool_started"
        for _ in range(3):
            assert next(view) is None  # a tick: nothing new, the model is busy
            shown.append(waiting_text(watch.ahead))
    rest = list(view)
    assert rest[-2:] == ["The", " answer"] and set(rest[:-2]) <= {None}
    assert shown[-1] == "⏳ Waiting for the model: 1 ahead"
    assert waiting_text(watch.ahead) is None


def test_closing_the_view_takes_the_request_out_of_the_queue() -> None:
    q = GenerationQueue()
    watch = QueueWatch()
    with q.turn():
        view = with_ticks(lambda: answer_stream(q), watch, tick_s=0.05)
        next(view)
        while q.waiting == 0:
            assert next(view) is None
        view.close()  # Gradio closes the handler when the browser goes away
        deadline = time.monotonic() + 5
        while q.waiting and time.monotonic() < deadline:
            time.sleep(0.01)
        assert q.waiting == 0 and watch.cancel.is_set()
    assert not q.busy
