"""The start marker: when the server last started, so ``verify`` can read the log from that moment on.

The moment is written in the log's own time format (local time, as ``logging`` stamps each line), so a
log line belongs to this run when its stamp is not older than the marker's.
"""

from __future__ import annotations

import json
import os
import time

from .atomic import atomic_write_bytes
from .layout import DataLayout

STAMP = "%Y-%m-%d %H:%M:%S"  # the first 19 characters of logging's asctime


def write_start_marker(layout: DataLayout) -> None:
    body = {"started_at": time.strftime(STAMP), "pid": os.getpid()}
    atomic_write_bytes(layout.start_marker, json.dumps(body).encode())


def last_start(layout: DataLayout) -> str | None:
    """The last start's stamp (``STAMP`` format), or None when no server has started in this folder."""
    try:
        return str(json.loads(layout.start_marker.read_bytes())["started_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def since_start(lines: list[str], started_at: str | None) -> list[str]:
    """The log lines written since ``started_at`` (every line when it is None).

    A line without a stamp (a traceback's) goes with the stamped line before it.

    >>> log = ["2026-11-28 09:00:00,1 ERROR x: old", "2026-11-28 10:00:00,5 INFO x: up", "  trace",
    ...        "2026-11-28 10:01:00,0 ERROR x: new"]
    >>> since_start(log, "2026-11-28 10:00:00")
    ['2026-11-28 10:00:00,5 INFO x: up', '  trace', '2026-11-28 10:01:00,0 ERROR x: new']
    """
    if started_at is None:
        return lines
    for index, line in enumerate(lines):
        stamp = line[:19]
        if len(stamp) == 19 and stamp[4] == "-" and stamp >= started_at:
            return lines[index:]
    return []
