"""The command line that runs the CLI in a subprocess, as tests start it."""

from __future__ import annotations

import sys
from pathlib import Path


def cli_argv(data_dir: Path, *args: str) -> list[str]:
    """`assistant --profile test --data-dir DATA_DIR ARGS...` with this interpreter."""
    return [
        sys.executable,
        "-m",
        "assistant.cli",
        "--profile",
        "test",
        "--data-dir",
        str(data_dir),
        *args,
    ]
