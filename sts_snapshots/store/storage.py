"""A TinyDB storage that never leaves a half-written file behind, and whose writes a group can share.

TinyDB's own JSONStorage truncates and rewrites the file in place, so a crash mid-write leaves it
empty or silently altered. Here every write goes to a temporary file in the same folder, is
fsynced, and replaces the old file with :func:`os.replace`, which is atomic on POSIX and Windows.

TinyDB calls :meth:`AtomicJSONStorage.write` once per change; that only changes the content in memory and
counts it (:attr:`~AtomicJSONStorage.version`). Putting it on disk is the owner's step (:meth:`encode`, then
:meth:`store` outside its lock, then :meth:`stored`): :class:`~.database.Database` does it once for all the
changes made while the previous write was on its way (group commit), and returns to each writer only once its
change is on disk.
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
    """JSON file storage with atomic replace-on-write, written by its owner (see the module's text)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        # The content in memory, with a digest of the bytes it was read from or last written as (b"" while it
        # holds changes not written yet): reading and hashing the file costs a small fraction of parsing it, and
        # the parse was most of a request once the stores held a few hundred records. Comparing bytes (not the
        # file's stat, whose inode and mtime can repeat) keeps it exact whoever wrote the file.
        self._parsed: tuple[bytes, dict[str, dict[str, Any]]] | None = None
        # Set by the owner while it holds the file's cross-process lock, after the first read: nobody else can
        # write the file then, so further reads return the content without reading and hashing it again.
        self.unchanged_since_read = False
        self.version = 0  # changes made to the content in memory
        self.clean = 0  # the version the file holds: changes after it wait to be written

    @property
    def dirty(self) -> bool:
        """Whether the content in memory has changes the file does not hold yet."""
        return self.version != self.clean

    @staticmethod
    def _digest(raw: bytes) -> bytes:
        return hashlib.blake2b(raw, digest_size=16).digest()

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._parsed is not None and (self.unchanged_since_read or self.dirty):
            return self._parsed[1]  # (changes not written yet are only here: never read the file over them)
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
        """A change, in memory only (TinyDB changed ``data``, the dict it read, in place): counted, not written."""
        self._parsed = (b"", data)
        self.version += 1

    def encode(self) -> tuple[int, bytes]:
        """The content as the file's bytes, and the version they hold (under the owner's lock: TinyDB changes the
        content in place)."""
        data = self._parsed[1] if self._parsed is not None else {}
        return self.version, orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)  # compact UTF-8, ~10x json's speed

    def store(self, raw: bytes) -> None:
        """Put ``raw`` in the file, atomically and on disk (fsynced) when this returns; outside the owner's lock."""
        atomic_write_bytes(self.path, raw)

    def stored(self, version: int, raw: bytes) -> None:
        """The file holds ``version`` now (written as ``raw``); under the owner's lock."""
        self.clean = max(self.clean, version)
        if self._parsed is not None and self.version == version:
            self._parsed = (self._digest(raw), self._parsed[1])

    def snapshot(self) -> bytes | None:
        """The content in memory as bytes, to put back with :meth:`restore`; None when the file holds it all."""
        return self.encode()[1] if self.dirty else None

    def restore(self, saved: bytes | None) -> None:
        """Put back the content of :meth:`snapshot` (a change to write again), or with None, forget every change
        not written: the next read reads the file."""
        if saved is None:
            self.discard()
        else:
            self.write(orjson.loads(saved))

    def discard(self) -> None:
        """Forget the content kept in memory, changes not written included: the next read reads the file."""
        self._parsed = None
        self.clean = self.version

    def close(self) -> None:
        pass
