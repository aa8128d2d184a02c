"""One-torch-thread windows: a model inside runs on one thread, also when another thread's
window overlaps it, and the setting from before comes back once the last window closes."""

from __future__ import annotations

import threading

import pytest

from assistant.models.torch_threads import one_torch_thread

torch = pytest.importorskip("torch")


def test_overlapping_windows_run_on_one_thread_and_the_last_restores() -> None:
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    inside, leave = threading.Event(), threading.Event()
    seen: list[int] = []

    def other() -> None:
        with one_torch_thread():
            inside.set()
            leave.wait(5)
            seen.append(torch.get_num_threads())

    try:
        worker = threading.Thread(target=other)
        worker.start()
        assert inside.wait(5)
        with one_torch_thread():
            assert torch.get_num_threads() == 1
            leave.set()
            worker.join(5)
            assert seen == [1]
            assert torch.get_num_threads() == 1  # the other window closed, this one not
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
