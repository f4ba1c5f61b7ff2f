"""A TinyDB storage that never leaves a half-written file behind.

TinyDB's own JSONStorage truncates and rewrites the file in place, so a crash mid-write leaves it
empty or silently altered. Here every write goes to a temporary file in the same folder, is
fsynced, and replaces the old file with :func:`os.replace`, which is atomic on POSIX and Windows.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from ..datadir.atomic import atomic_write_bytes


class StorageFormatError(ValueError):
    """The file exists but does not hold a TinyDB JSON document."""


class AtomicJSONStorage(Storage):
    """JSON file storage with atomic replace-on-write."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        # The last content read or written, with a digest of its bytes: reading and hashing the file costs a
        # small fraction of parsing it, and the parse was most of a request once the stores held a few hundred
        # records. Comparing bytes (not the file's stat, whose inode and mtime can repeat) keeps it exact
        # whoever wrote the file.
        self._parsed: tuple[bytes, dict[str, dict[str, Any]]] | None = None
        # Set by the owner while it holds the file's cross-process lock, after the first read: nobody else can
        # write the file then, so further reads return the content without reading and hashing it again.
        self.unchanged_since_read = False
        # Set by Database.batch() (under the lock): writes wait here for one file write (one fsync) at its end.
        self.deferred = False
        self._pending = False

    @staticmethod
    def _digest(raw: bytes) -> bytes:
        return hashlib.blake2b(raw, digest_size=16).digest()

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self.unchanged_since_read and self._parsed is not None:
            return self._parsed[1]
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self._parsed = None
            return None
        digest = self._digest(raw)
        if self._parsed is not None and self._parsed[0] == digest:
            return self._parsed[1]
        if not raw.strip():
            raise StorageFormatError("the file is empty")
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:  # also raised for bytes that are not UTF-8
            raise StorageFormatError(f"not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise StorageFormatError("the top level is not a JSON object")
        self._parsed = (digest, data)
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self.deferred:
            self._parsed, self._pending = (b"", data), True  # read() under the lock returns it as it is
            return
        # TinyDB changes the dict it read in place before writing it: if this write fails, that dict no
        # longer matches the file, so it is forgotten first.
        self._parsed = None
        raw = orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)  # compact UTF-8 JSON, as json.dumps but ~10x faster
        atomic_write_bytes(self.path, raw)
        self._parsed = (self._digest(raw), data)

    def flush(self) -> None:
        """Write what deferred writes left in memory (nothing when there were none)."""
        self.deferred = False
        if self._pending and self._parsed is not None:
            self._pending = False
            self.write(self._parsed[1])

    def discard(self) -> None:
        """Forget deferred writes and the parsed content: the next read reads the file again."""
        self.deferred = self._pending = False
        self._parsed = None

    def close(self) -> None:
        pass
