"""A small record store over TinyDB: string ids, copies out, one lock per file.

Records are plain dicts with a string ``id``. Every call takes the database's lock, so the
server's threads and the scheduler's jobs can write at once; a file lock next to a file-backed
database also keeps a second process (a CLI command) from interleaving its writes.
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Generic, TypeVar

from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage

from .storage import AtomicJSONStorage, StorageFormatError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

# What a table holds: a TypedDict of sts_snapshots.domain.records, or a plain dict.
R = TypeVar("R")


class StoreCorruptError(RuntimeError):
    """A store file could not be read; the message names it and says how to recover."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(
            f"The data file {path} cannot be read: {reason}.\n"
            f"Nothing was changed. Restore it from a backup with 'sts-snapshots restore BACKUP.tar.gz', "
            f"or move the file aside to start that store empty."
        )


class Database:
    """One TinyDB file (or an in-memory TinyDB when ``path`` is None)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0
        if path is None:
            self._db = TinyDB(storage=MemoryStorage)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = TinyDB(path, storage=AtomicJSONStorage)
            try:
                self._db.storage.read()
            except StorageFormatError as exc:
                raise StoreCorruptError(path, str(exc)) from None

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold this file's lock (re-entrant) across several operations."""
        with self._lock:
            self._depth += 1
            try:
                if self._depth > 1 or fcntl is None or self.path is None:
                    yield
                    return
                # flock is per open file, so only the outermost holder takes it (a nested one would deadlock).
                with self.file_lock(self.path):
                    storage = self._db.storage
                    assert isinstance(storage, AtomicJSONStorage)
                    try:
                        storage.read()  # checks the file against the parsed copy, once per lock held
                    except StorageFormatError as exc:
                        raise StoreCorruptError(self.path, str(exc)) from None
                    storage.unchanged_since_read = True
                    try:
                        yield
                    finally:
                        storage.unchanged_since_read = False
            finally:
                self._depth -= 1

    @staticmethod
    @contextlib.contextmanager
    def file_lock(path: Path) -> Iterator[None]:
        """Hold the cross-process lock of the store file ``path`` (``<file>.lock``); e.g. for a backup."""
        if fcntl is None:
            yield
            return
        with open(path.with_name(path.name + ".lock"), "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Hold the lock, and make every write inside one write of the file (one fsync) when the block ends: all
        of them or, on an exception, none. For bulk loads (a migration, a generated folder); nested: joins."""
        with self.locked():
            storage = self._db.storage
            if isinstance(storage, MemoryStorage):  # the same all-or-none: the content before, put back on failure
                before = copy.deepcopy(storage.memory)
                try:
                    yield
                except BaseException:
                    storage.memory = before
                    raise
                return
            if not isinstance(storage, AtomicJSONStorage) or storage.deferred:
                yield
                return
            storage.deferred = True
            try:
                yield
            except BaseException:
                storage.discard()
                raise
            storage.flush()

    def forget(self) -> bool:
        """Drop the parsed content kept for the next call (read again when needed), unless a thread holds the
        lock now; returns whether it did. Bounds the memory of many shards (see :class:`~.shards.ShardedDatabase`)."""
        if self.path is None or not self._lock.acquire(blocking=False):
            return False
        try:
            storage = self._db.storage
            if isinstance(storage, AtomicJSONStorage) and not storage.deferred:
                storage.discard()
            return True
        finally:
            self._lock.release()

    def table(self, name: str) -> Table[Any]:
        """The table ``name``; annotate the attribute it is kept in with its record type (``Table[RoomRecord]``)."""
        return Table(self, name)

    def table_names(self) -> set[str]:
        """The names of the tables this file holds."""
        with self.locked():
            return set(self._db.tables())

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _tinydb_table(self, name: str) -> Any:
        table = self._db.table(name, cache_size=0)
        # TinyDB keeps the next document id in its table object. Another process (a CLI command) may have
        # inserted since, so it is worked out again from the file: otherwise the next insert here reuses a
        # taken id and fails ("Document with ID N already exists"), or insert_many overwrites a record.
        # (tinydb is pinned to 4.9.0, whose Table has this attribute.)
        table._next_id = None
        return table


class Table(Generic[R]):
    """Records of one kind; every method returns copies, never the store's own objects."""

    def __init__(self, db: Database, name: str) -> None:
        self._db = db
        self.name = name

    def locked(self) -> contextlib.AbstractContextManager[None]:
        """Hold the file's lock across several calls, e.g. a check and then the change it allows."""
        return self._db.locked()

    def _run(self, fn: Callable[[Any], Any]) -> Any:
        try:
            with self._db.locked():
                return fn(self._db._tinydb_table(self.name))
        except StorageFormatError as exc:
            raise StoreCorruptError(self._db.path or Path("<memory>"), str(exc)) from None

    def insert(self, record: R) -> R:
        key = _id_of(record)

        def op(t: Any) -> None:
            if t.contains(Query().id == key):
                raise KeyError(f"{self.name} {key} exists already")
            t.insert(copy.deepcopy(record))

        self._run(op)
        return copy.deepcopy(record)

    def upsert(self, record: R) -> None:
        """Insert ``record``, replacing any record with its id, in one step (no window between the two)."""
        key = _id_of(record)

        def op(t: Any) -> None:
            t.remove(Query().id == key)
            t.insert(copy.deepcopy(record))

        self._run(op)

    def insert_many(self, records: list[R]) -> None:
        self._run(lambda t: t.insert_multiple(copy.deepcopy(records)))

    def get(self, record_id: str) -> R | None:
        found = self._run(lambda t: t.get(Query().id == record_id))
        return _copy(found) if found is not None else None

    def all(self) -> list[R]:
        return [_copy(r) for r in self._run(lambda t: t.all())]

    def find(self, **equals: Any) -> list[R]:
        return [_copy(r) for r in self._run(lambda t: t.search(
            lambda doc: all(doc.get(k) == v for k, v in equals.items())))]

    def search(self, predicate: Callable[[R], bool]) -> list[R]:
        return [_copy(r) for r in self._run(lambda t: t.search(_pred(predicate)))]

    def update(self, record_id: str, changes: Mapping[str, Any]) -> R | None:
        def op(t: Any) -> Any:
            ids = t.update(copy.deepcopy(dict(changes)), Query().id == record_id)
            return t.get(Query().id == record_id) if ids else None

        found = self._run(op)
        return _copy(found) if found is not None else None

    def remove(self, record_id: str) -> bool:
        return bool(self._run(lambda t: t.remove(Query().id == record_id)))

    def remove_where(self, predicate: Callable[[R], bool]) -> int:
        return len(self._run(lambda t: t.remove(_pred(predicate))))

    def count(self) -> int:
        return int(self._run(len))

    def clear(self) -> None:
        self._run(lambda t: t.truncate())


def _id_of(record: Any) -> str:
    key = record.get("id") if isinstance(record, Mapping) else None
    if not isinstance(key, str) or not key:
        raise ValueError("a record needs a non-empty string id")
    return key


def _copy(found: Any) -> Any:
    """A deep copy of a TinyDB document as a plain dict (the caller's record type)."""
    return copy.deepcopy(dict(found))


def _pred(predicate: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """Wrap a plain predicate for TinyDB (which calls it with its own Document objects)."""
    return lambda doc: bool(predicate(dict(doc)))
