"""The model queue: one generation at a time, first come first served, and the turn given
back whichever thread closes, cancels or breaks a stream (issue #21, the chat deadlock)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from assistant.errors import AssistantError
from assistant.models.generation_queue import Cancelled, GenerationQueue, QueueWatch, watching


def slow_pieces(n: int, delay: float = 0.02, log: list[str] | None = None) -> Iterator[str]:
    try:
        for i in range(n):
            time.sleep(delay)
            yield f"p{i}"
    finally:
        if log is not None:
            log.append(threading.current_thread().name)


def wait_until(check: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_stream_closed_from_another_thread_gives_the_turn_back() -> None:
    """Gradio resumes a generator on one worker thread and closes it on another: the
    RLock version raised 'cannot release un-acquired lock' and stayed held."""
    q = GenerationQueue()
    closed_in: list[str] = []
    stream = q.stream(lambda: slow_pieces(1000, log=closed_in))
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(next(stream)))
    reader.start()
    reader.join(5)
    assert first == ["p0"] and q.busy
    closer = threading.Thread(target=stream.close)
    closer.start()
    closer.join(5)
    wait_until(lambda: not q.busy)
    # The model's own generator was closed by the worker that ran it, not by the closer.
    assert closed_in == ["llm-generation"]
    assert list(q.stream(lambda: slow_pieces(2))) == ["p0", "p1"]


def test_generations_never_overlap_and_are_served_in_order() -> None:
    q = GenerationQueue()
    active, overlap, order = [0], [False], []
    guard = threading.Lock()

    def produce(tag: int) -> Iterator[str]:
        with guard:
            active[0] += 1
            overlap[0] = overlap[0] or active[0] > 1
        order.append(tag)
        yield from slow_pieces(3, 0.01)
        with guard:
            active[0] -= 1

    outputs: dict[int, str] = {}
    threads = []
    with q.turn():  # hold the model so the requests line up in a known order
        for tag in range(5):
            thread = threading.Thread(
                target=lambda t=tag: outputs.__setitem__(t, "".join(q.stream(lambda: produce(t))))
            )
            thread.start()
            threads.append(thread)
            wait_until(lambda t=tag: q.waiting == t + 1)
    for thread in threads:
        thread.join(10)
    assert outputs == {tag: "p0p1p2" for tag in range(5)}
    assert not overlap[0] and order == [0, 1, 2, 3, 4]
    assert q.snapshot()["served"] == 6 and not q.busy


def test_waiting_request_sees_its_position_and_can_be_cancelled() -> None:
    q = GenerationQueue()
    watches = [QueueWatch() for _ in range(3)]
    results: list[object] = [None] * 3

    def ask(i: int) -> None:
        with watching(watches[i]):
            try:
                results[i] = "".join(q.stream(lambda: slow_pieces(2)))
            except Cancelled as exc:
                results[i] = exc

    threads = []
    with q.turn():
        for i in range(3):
            threads.append(threading.Thread(target=ask, args=(i,)))
            threads[-1].start()
            wait_until(lambda i=i: watches[i].ahead == i + 1)  # the holder counts as ahead
        watches[1].cancel.set()
        wait_until(lambda: watches[1].ahead is None)
        wait_until(lambda: watches[2].ahead == 2)  # the cancelled one left the line
    for thread in threads:
        thread.join(10)
    assert results[0] == "p0p1" and results[2] == "p0p1"
    assert isinstance(results[1], Cancelled)
    assert watches[0].ahead is None and watches[2].waited_s > 0


def test_cancel_stops_a_running_generation_at_its_next_piece() -> None:
    q = GenerationQueue()
    watch = QueueWatch()
    got: list[str] = []
    with watching(watch):
        for piece in q.stream(lambda: slow_pieces(1000)):
            got.append(piece)
            if len(got) == 3:
                watch.cancel.set()
    assert 3 <= len(got) < 10
    wait_until(lambda: not q.busy)


def test_an_error_in_the_model_reaches_the_caller_and_frees_the_model() -> None:
    q = GenerationQueue()

    def broken() -> Iterator[str]:
        yield "a"
        raise ValueError("llama_decode returned -1")

    with pytest.raises(ValueError, match="llama_decode"):
        list(q.stream(broken))
    wait_until(lambda: not q.busy)
    assert list(q.stream(lambda: slow_pieces(1))) == ["p0"]


def test_an_abandoned_stream_frees_the_model_when_collected() -> None:
    q = GenerationQueue()
    stream = q.stream(lambda: slow_pieces(1000))
    assert next(stream) == "p0"
    del stream  # a client that disconnected: the generator is dropped, not closed
    wait_until(lambda: not q.busy)


def test_a_stream_never_started_takes_no_turn() -> None:
    q = GenerationQueue()
    q.stream(lambda: slow_pieces(1))
    assert not q.busy and q.waiting == 0


def test_release_from_a_thread_that_does_not_hold_it_is_refused() -> None:
    q = GenerationQueue()
    turn = q.turn()
    turn.__enter__()
    errors: list[BaseException] = []

    def release() -> None:
        try:
            q._release()
        except RuntimeError as exc:
            errors.append(exc)

    thread = threading.Thread(target=release)
    thread.start()
    thread.join(5)
    assert errors and q.busy
    turn.__exit__(None, None, None)
    assert not q.busy


def test_a_wait_past_the_limit_fails_with_a_clear_error() -> None:
    q = GenerationQueue(max_wait_s=0.2)
    failures: list[AssistantError] = []

    def ask() -> None:
        try:
            list(q.stream(lambda: slow_pieces(1)))
        except AssistantError as exc:
            failures.append(exc)

    with q.turn():
        thread = threading.Thread(target=ask)
        thread.start()
        thread.join(5)
    assert failures and "busy" in failures[0].message
    assert q.waiting == 0
