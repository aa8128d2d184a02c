"""One torch thread for a call: small networks (EfficientNet-Lite0 on one picture, the voice
encoder's LSTM) run as fast on one thread as on two when the machine is idle, and many
times faster when it is busy or when ingest runs another analyser beside them: torch's
OpenMP threads spin at every op waiting for a core (Lite0 on one 224 px picture, 2 cores
loaded: 0.03 CPU s on one thread, 0.5 on two).

torch's thread count is process-wide in some ways (the value new threads start from) and
per thread in others (OpenMP's own setting), so each window sets one thread in the thread
that runs the model, and overlapping windows (the labeler in one ingest thread, speaker
turns in another) share one saved value: the last to leave puts it back. Nothing else
should change the count meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_inside = 0
_saved = 0


@contextmanager
def one_torch_thread() -> Iterator[None]:
    import torch

    global _inside, _saved
    with _lock:
        if _inside == 0:
            _saved = torch.get_num_threads()
        _inside += 1
        torch.set_num_threads(1)
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0:
                torch.set_num_threads(_saved)
