"""A TinyDB storage that never leaves a half-written file behind.

TinyDB's own JSONStorage truncates and rewrites the file in place, so a crash mid-write leaves it
empty or silently altered. Here every write goes to a temporary file in the same folder, is
fsynced, and replaces the old file with :func:`os.replace`, which is atomic on POSIX and Windows.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from tinydb.storages import Storage


class StorageFormatError(ValueError):
    """The file exists but does not hold a TinyDB JSON document."""


class AtomicJSONStorage(Storage):
    """JSON file storage with atomic replace-on-write."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        # The last content read or written, with the file's (inode, mtime, size) then. Every write replaces the
        # file (a new inode), whoever writes it, so an unchanged stat means unchanged content: a read skips
        # the JSON parse, which was most of a request's cost once the stores hold a few hundred records.
        self._parsed: tuple[tuple[int, int, int], dict[str, dict[str, Any]]] | None = None

    @staticmethod
    def _stat_key(st: os.stat_result) -> tuple[int, int, int]:
        return st.st_ino, st.st_mtime_ns, st.st_size

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            key = self._stat_key(self.path.stat())
        except FileNotFoundError:
            self._parsed = None
            return None
        if self._parsed is not None and self._parsed[0] == key:
            return self._parsed[1]
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            raise StorageFormatError("the file is empty")
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise StorageFormatError(f"not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise StorageFormatError("the top level is not a JSON object")
        if self._stat_key(os.stat(self.path)) == key:  # not replaced while we read it
            self._parsed = (key, data)
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        # TinyDB changes the dict it read in place before writing it: if this write fails, that dict no
        # longer matches the file, so it is forgotten first.
        self._parsed = None
        atomic_write_bytes(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
        self._parsed = (self._stat_key(self.path.stat()), data)

    def close(self) -> None:
        pass


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` so that readers see the old or the new content, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
