"""One server per data folder: an exclusive lock on ``server.lock`` for the life of the process."""

from __future__ import annotations

import os
from typing import IO

from .layout import DataLayout

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class AlreadyRunning(RuntimeError):
    """Another process holds the data folder's instance lock."""


def acquire_instance_lock(layout: DataLayout) -> IO[str] | None:
    """Hold an exclusive lock on ``server.lock`` while the returned handle lives; a second holder is refused."""
    if fcntl is None:
        return None
    handle = open(layout.lock_file, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        other = handle.read().strip()
        handle.close()
        raise AlreadyRunning(f"Another STS Snapshots server is already using {layout.root}"
                             + (f" ({other})" if other else "") + ". Stop it first, or use --data-dir.") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}")
    handle.flush()
    return handle
