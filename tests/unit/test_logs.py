"""Library chatter goes to the log file; stderr only gets it with --verbose."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHATTER = """
import logging, sys, warnings
from pathlib import Path
from assistant.logs import configure_logging
configure_logging(Path(sys.argv[1]), verbose=sys.argv[2] == "1")
logging.getLogger("pypdf._reader").warning("EOF marker not found")
warnings.warn("TypedStorage is deprecated", UserWarning)
"""


def _run(tmp_path: Path, verbose: bool) -> tuple[str, str]:
    log = tmp_path / f"v{int(verbose)}" / "assistant.log"
    done = subprocess.run(
        [sys.executable, "-c", CHATTER, str(log), str(int(verbose))],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    return done.stderr, log.read_text()


def test_library_warnings_reach_the_log_file_not_stderr(tmp_path: Path) -> None:
    stderr, logged = _run(tmp_path, verbose=False)
    assert stderr == ""
    assert "pypdf._reader: EOF marker not found" in logged
    assert "TypedStorage is deprecated" in logged


def test_verbose_also_prints_them(tmp_path: Path) -> None:
    stderr, logged = _run(tmp_path, verbose=True)
    assert "EOF marker not found" in stderr and "TypedStorage" in stderr
    assert "EOF marker not found" in logged
