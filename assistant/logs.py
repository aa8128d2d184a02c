"""Where library chatter goes: a log file under the data dir, not the journalist's terminal.

pypdf's "EOF marker not found", torch's UserWarnings and the like are kept (they help a bug
report) but only reach stderr with `--verbose`. Our own messages use rich consoles, not
logging, so they are unaffected."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_HANDLER_NAME = "archive-assistant-file"


def configure_logging(log_file: Path, verbose: bool = False, rotate: bool = True) -> Path:
    """Send every library's log records and Python warnings to `log_file` (rotated at
    5 MB; `rotate=False` where several processes append to one file); with `verbose`, to
    stderr as well. Safe to call again (no duplicate handlers)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
        old.close()
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler: logging.Handler = (
        RotatingFileHandler(log_file, maxBytes=5_000_000, backupCount=2, encoding="utf-8")
        if rotate
        else logging.FileHandler(log_file, encoding="utf-8")
    )
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # Without a stderr handler, logging's last resort would still print warnings there.
    if verbose:
        stderr = logging.StreamHandler()
        stderr.setFormatter(logging.Formatter(LOG_FORMAT))
        stderr.set_name(_HANDLER_NAME)
        root.addHandler(stderr)
    logging.captureWarnings(True)
    return log_file
