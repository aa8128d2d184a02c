"""Test-only ingest jobs: the real extraction, except on files whose name carries a mark,
where an "analyser" misbehaves inside the worker the way native code does.

    CRASH   sends itself SIGSEGV during the "music" stage (every try)
    ONCE    crashes on the first try only (a marker file beside it remembers)
    HANG    sleeps far past any time limit during the "music" stage
    HOG     allocates far more memory than the worker's limit
"""

from __future__ import annotations

import os
import signal
import time

from assistant.ingest.extract import Extracted
from assistant.ingest.jobs import FileTask, JobEnv, extract_job


def misbehaving_job(task: FileTask, env: JobEnv) -> Extracted:
    name = task.path.name
    if "CRASH" in name:
        with env.ctx.stage("music"):
            os.kill(os.getpid(), signal.SIGSEGV)
    if "ONCE" in name:
        marker = task.path.with_name(f".{name}.tried")
        if not marker.exists():
            marker.write_text("crashed here once")
            with env.ctx.stage("music"):
                os.kill(os.getpid(), signal.SIGSEGV)
    if "HANG" in name:
        with env.ctx.stage("music"):
            time.sleep(3600)
    if "HOG" in name:
        with env.ctx.stage("music"):
            hog = bytearray(64 * 1024**3)  # far above ingest.worker_memory_mb
            hog[-1] = 1
    return extract_job(task, env)
