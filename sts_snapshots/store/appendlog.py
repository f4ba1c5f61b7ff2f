"""Records that are only ever added, one JSON line each, in one file per key (e.g. downloads, per room).

A TinyDB file is rewritten whole on every write; a line appended costs one small write and one fsync,
whatever the file's size. A crash can cut off at most the line being written: reading skips a last line
that does not parse, and the next append starts on a line of its own.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson

from ..datadir.atomic import atomic_write_bytes
from .sharded import KEY


class AppendLog:
    """One append-only log per key under ``folder`` (``<key>.jsonl``); in memory when ``folder`` is None."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._memory: dict[str, list[bytes]] = defaultdict(list)
        self._lock = threading.Lock()

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{_checked(key)}.jsonl"

    def append(self, key: str, record: dict[str, Any]) -> None:
        """Add ``record`` to ``key``'s log; it is on disk (fsynced) when this returns."""
        line = orjson.dumps(record) + b"\n"
        with self._lock:
            if self.folder is None:
                self._memory[_checked(key)].append(line)
                return
            path = self._path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                if os.fstat(fd).st_size and not _ends_with_newline(path):
                    line = b"\n" + line  # the last append was cut off by a crash: start a line of our own
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)

    def read(self, key: str) -> list[dict[str, Any]]:
        """``key``'s records in the order they were added."""
        if self.folder is None:
            with self._lock:
                raw = b"".join(self._memory.get(_checked(key), []))
        else:
            try:
                raw = self._path(key).read_bytes()
            except FileNotFoundError:
                return []
        records = []
        for line in raw.splitlines():
            try:
                records.append(orjson.loads(line))
            except orjson.JSONDecodeError:
                continue  # a line cut off by a crash
        return records

    def rewrite(self, key: str, records: list[dict[str, Any]]) -> None:
        """Replace ``key``'s log whole, atomically (the activity chain's one-time migration, under its room lock)."""
        lines = [orjson.dumps(record) + b"\n" for record in records]
        with self._lock:
            if self.folder is None:
                self._memory[_checked(key)] = lines
                return
            if not lines and not self._path(key).exists():
                return
            atomic_write_bytes(self._path(key), b"".join(lines))

    def keys(self) -> list[str]:
        """Every key with a log (in memory: every key appended to)."""
        if self.folder is None:
            with self._lock:
                return sorted(key for key, lines in self._memory.items() if lines)
        return [path.stem for path in self.files() if KEY.fullmatch(path.stem)]

    def files(self) -> list[Path]:
        return sorted(self.folder.glob("*.jsonl")) if self.folder is not None else []


def _checked(key: str) -> str:
    if not KEY.fullmatch(key):
        raise ValueError(f"not a log key: {key!r}")
    return key


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"
