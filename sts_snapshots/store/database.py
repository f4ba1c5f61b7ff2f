"""A small record store over TinyDB: string ids, copies out, one lock per file, writes that share an fsync.

Records are plain dicts with a string ``id``. Every call takes the database's lock, so the
server's threads and the scheduler's jobs can write at once; a file lock next to a file-backed
database also keeps a second process (a CLI command) from interleaving its writes.

Group commit: a call changes the content in memory under the lock, and then, with the lock released, waits
until the file holds its change. The first to wait writes the file (encode, temporary file, fsync, rename) for
every change made until then; changes made meanwhile wait for the next write, which one of them makes. So ten
creates arriving together cost one or two fsyncs of their room's file, not ten one after another, and none of
them returns (is acknowledged) before its change is on disk. A read that saw a change not written yet waits
for it too: nothing is answered from a change that a crash could still take back.

While changes wait to be written, the file is older than the content in memory, so this process keeps the file
lock from the first such change until the file holds them all: another process (a CLI command) neither reads the
old file meanwhile nor writes over the changes. A failed write fails every call whose change it held or that saw
one (they get the error) and drops the content in memory: the next call reads the file as it is.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage

from .storage import AtomicJSONStorage, StorageFormatError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
# What a table holds: a TypedDict of sts_snapshots.domain.records, or a plain dict.
R = TypeVar("R")
# Set by durable_at_end(): the (database, version) pairs whose writes the block's end waits for.
_DEFERRED: ContextVar[list[tuple[Database, int]] | None] = ContextVar("sts_store_deferred", default=None)


class StoreCorruptError(RuntimeError):
    """A store file could not be read; the message names it and says how to recover."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(
            f"The data file {path} cannot be read: {reason}.\n"
            f"Nothing was changed. Restore it from a backup with 'sts-snapshots restore BACKUP.tar.gz', "
            f"or move the file aside to start that store empty."
        )


@contextlib.contextmanager
def durable_at_end() -> Iterator[None]:
    """Calls inside return as soon as their change is made in memory; the block's end waits until the files hold
    every one of them (as each call would have), also when the block raises. For a caller that holds a lock of its
    own around a write (the activity chain's per-room lock), so that it does not hold that lock while the file is
    written: the next holder already sees the change (in this process; another process waits for the file lock).
    Nested: joins the outer block."""
    if _DEFERRED.get() is not None:
        yield
        return
    pending: list[tuple[Database, int]] = []
    token = _DEFERRED.set(pending)
    failed = True
    try:
        yield
        failed = False
    finally:
        _DEFERRED.reset(token)
        _wait_all(pending, raise_errors=not failed)


def _wait_all(pending: list[tuple[Database, int]], *, raise_errors: bool) -> None:
    """Wait until each database holds its version, in the order the changes were made (a crash keeps the order:
    a later file never holds a change whose earlier one a crash took back)."""
    for database, version in pending:
        if raise_errors:
            database.wait_written(version)
        else:
            database.settle(version)


class Database:
    """One TinyDB file (or an in-memory TinyDB when ``path`` is None)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0
        self._flock: IO[str] | None = None  # the open lock file while this process holds its lock
        # Group commit (see the module's text), under _written, never taken together with _lock:
        self._written = threading.Condition(threading.Lock())
        self._on_disk = 0  # the newest version the file holds
        self._writing = False  # a thread is writing the file now
        self._failed: tuple[int, OSError] | None = None  # versions up to this one were lost by this error
        self.writes = 0  # how many times this opener wrote the file (each write: one fsync, however many changes)
        if path is None:
            self._db = TinyDB(storage=MemoryStorage)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = TinyDB(path, storage=AtomicJSONStorage)
            try:
                self._db.storage.read()
            except StorageFormatError as exc:
                raise StoreCorruptError(path, str(exc)) from None

    def _file_storage(self) -> AtomicJSONStorage | None:
        storage = self._db.storage
        return storage if isinstance(storage, AtomicJSONStorage) else None

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold this file's lock (re-entrant) across several operations; when the outermost block ends, wait until
        the file holds every change made or seen inside (see the module's text)."""
        storage = self._file_storage()
        if storage is None:
            with self._lock:
                yield
            return
        wait_for = 0
        failed = True
        with self._lock:
            self._depth += 1
            try:
                if self._depth == 1:
                    self._take_file_lock(storage)
                yield
                failed = False
            finally:
                self._depth -= 1
                if self._depth == 0:
                    if storage.dirty:
                        wait_for = storage.version
                    else:
                        self._release_file_lock(storage)
        if not wait_for:
            return
        deferred = _DEFERRED.get()
        if deferred is not None:
            deferred.append((self, wait_for))
        elif failed:
            self.settle(wait_for)
        else:
            self.wait_written(wait_for)

    def _take_file_lock(self, storage: AtomicJSONStorage) -> None:
        """Under _lock, outermost: hold the cross-process lock (kept while changes wait to be written), and check
        the file against the content kept, once per lock taken."""
        if self._flock is not None or fcntl is None or self.path is None:
            return
        handle = open(self.path.with_name(self.path.name + ".lock"), "a+")  # held across calls: closed on release
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            storage.read()
        except StorageFormatError as exc:
            handle.close()
            raise StoreCorruptError(self.path, str(exc)) from None
        except BaseException:
            handle.close()
            raise
        self._flock = handle
        storage.unchanged_since_read = True

    def _release_file_lock(self, storage: AtomicJSONStorage) -> None:
        """Under _lock, with nothing waiting to be written: let other processes at the file again."""
        if self._flock is None:
            return
        storage.unchanged_since_read = False
        handle, self._flock = self._flock, None
        try:
            fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            handle.close()

    def wait_written(self, version: int) -> None:
        """Return once the file holds ``version`` (writing it, and every change before, if nobody is).

        :raises OSError: the write that held it failed (the change is lost; the content was read again).
        """
        storage = self._file_storage()
        assert storage is not None
        while True:
            with self._written:
                while True:
                    if self._on_disk >= version:
                        return
                    if self._failed is not None and self._failed[0] >= version:
                        error = self._failed[1]
                        raise OSError(error.errno, f"the store file was not written: {error.strerror or error}",
                                      str(self.path))
                    if not self._writing:
                        break
                    self._written.wait()
                self._writing = True
            self._write_group(storage)

    def settle(self, version: int) -> None:
        """As :meth:`wait_written`, for a block that raised already: a write error is logged, not raised (the
        block's own error is the one its caller gets)."""
        try:
            self.wait_written(version)
        except OSError as exc:
            log.error("%s", exc)

    def _write_group(self, storage: AtomicJSONStorage) -> None:
        """Write every change made so far in one write of the file (this thread set _writing)."""
        written, error, raw, lost = 0, None, b"", 0
        try:
            with self._lock:
                version, raw = storage.encode()
            storage.store(raw)  # the temporary file, its fsync, the rename: outside the lock
            written = version
        except OSError as exc:
            error = exc
        finally:
            with self._lock:
                if written:
                    storage.stored(written, raw)
                else:
                    # the content in memory holds changes the file never got: forget them all, read the file again
                    lost = storage.version
                    storage.discard()
                if self._depth == 0 and not storage.dirty:
                    self._release_file_lock(storage)
            with self._written:
                if written:
                    self._on_disk = max(self._on_disk, written)
                    self.writes += 1
                else:
                    self._failed = (lost, error or OSError("the write was interrupted"))
                self._writing = False
                self._written.notify_all()

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
        """Hold the lock across a block whose writes land all of them or, on an exception, none, in one write
        of the file (one fsync) at its end. For bulk loads (a migration, a generated folder); nested: joins."""
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
            assert isinstance(storage, AtomicJSONStorage)
            saved = storage.snapshot()  # changes of other calls not written yet, kept on failure
            try:
                yield
            except BaseException:
                storage.restore(saved)
                raise

    def forget(self) -> bool:
        """Drop the parsed content kept for the next call (read again when needed), unless a thread holds the
        lock now or changes wait to be written; returns whether it did. Bounds the memory of many shards (see
        :class:`~.shards.ShardedDatabase`)."""
        if self.path is None or not self._lock.acquire(blocking=False):
            return False
        try:
            storage = self._file_storage()
            if storage is None or storage.dirty:
                return False
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
        """Wait until the file holds every change, then close."""
        storage = self._file_storage()
        if storage is not None:
            with self._lock:
                version = storage.version if storage.dirty else 0
            if version:
                self.settle(version)
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
