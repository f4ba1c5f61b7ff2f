"""The signing folder's files: one lock for every change, and writes that never leave half a key behind."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from ..datadir.atomic import atomic_write_bytes

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".lock"


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the signing folder's cross-process lock: two processes starting at once make one identity, not two."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    if fcntl is None:
        yield
        return
    with open(folder / LOCK_NAME, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_private(path: Path, payload: bytes) -> None:
    """Write a key file atomically, mode 0600 from its first byte (``mkstemp`` creates it so)."""
    atomic_write_bytes(path, payload)
    if os.name == "posix":
        os.chmod(path, 0o600)


def write_public(path: Path, payload: bytes) -> None:
    """Write a certificate atomically. It is public (``signing export`` hands it out), but the data folder is
    its user's alone, like every file the server writes (the umask 077 of ``serve``)."""
    atomic_write_bytes(path, payload)
