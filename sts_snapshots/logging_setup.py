"""Logging to the console and to a rotating ``logs/backend.log`` in the data folder."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_HANDLER_NAME = "sts-snapshots-file"


def setup_logging(log_file: Path | None, level: str, console: bool = True) -> None:
    root = logging.getLogger()
    root.setLevel(level.upper())
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
            handler.close()
    if log_file is not None:
        file_handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=5_000_000, backupCount=5,
                                                            encoding="utf-8")
        file_handler.set_name(_HANDLER_NAME)
        file_handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(file_handler)
    if console and not any(isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)
                           for h in root.handlers):
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(stream)
    for noisy in ("apscheduler", "httpx", "fontTools", "borb"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def refused_origins_are_warnings() -> None:
    """Install :class:`RefusedOriginIsAWarning` on engine.io's logger (once)."""
    engineio = logging.getLogger("engineio.server")
    if not any(isinstance(f, RefusedOriginIsAWarning) for f in engineio.filters):
        engineio.addFilter(RefusedOriginIsAWarning())


class RefusedOriginIsAWarning(logging.Filter):
    """engine.io logs a websocket from a foreign origin at ERROR: that is a refused visitor, not our fault.

    >>> record = logging.LogRecord("engineio.server", logging.ERROR, "", 0, "%s is not an accepted origin.",
    ...                            ("http://evil.example",), None)
    >>> RefusedOriginIsAWarning().filter(record), record.levelname
    (True, 'WARNING')
    >>> record = logging.LogRecord("engineio.server", logging.ERROR, "", 0, "Invalid session 3fa9", None, None)
    >>> RefusedOriginIsAWarning().filter(record), record.levelname
    (True, 'WARNING')
    """

    def filter(self, record: logging.LogRecord) -> bool:
        # Also a polling request of a socket.io session this process does not have ("Invalid session"): a page
        # served by another web node, after that node died or behind a proxy that is not sticky (README).
        message = str(record.msg)
        if record.levelno == logging.ERROR and ("is not an accepted origin" in message
                                                or message.startswith("Invalid session")):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
