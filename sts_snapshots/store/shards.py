"""Stores that grow with the number of rooms, split into one TinyDB file per key (a room): ``<folder>/<key>.json``.

A TinyDB file is rewritten whole on every write, so one file holding every room's vessels, parties and documents
makes a review in a fleet of 1,000 rooms rewrite (and fsync) all of them. Split per room, a write costs one room's
records, whatever the number of rooms. Each key's file holds several tables (``ShardedDatabase``) and has its own
lock; :class:`~.sharded.ShardedTable` is one table of such files.

Memory: each open file keeps its parsed content for the next call (reading it again costs a parse). With a fleet
of rooms that would grow to every room's records, so only the ``max_cached`` most recently used files keep it.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .database import Database, StoreCorruptError
from .storage import AtomicJSONStorage, StorageFormatError

log = logging.getLogger(__name__)
KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_CACHED = 128  # files of one store whose parsed content is kept (a room's file: some 100-300 KB parsed)
# For a migration: (table name, record) -> the key of the shard the record goes to ("" to leave it behind)
KeyOf = Callable[[str, dict[str, Any]], str]


def by_field(fields: Mapping[str, str]) -> KeyOf:
    """A :data:`KeyOf` that takes each table's key from one field (``{"rooms": "id", "documents": "room_id"}``).

    >>> by_field({"rooms": "id"})("rooms", {"id": "r1"}), by_field({"rooms": "id"})("other", {"id": "r1"})
    ('r1', '')
    """
    return lambda table, record: str(record.get(fields[table], "")) if table in fields else ""


class ShardedDatabase:
    """Several tables per key, one TinyDB file per key under ``folder``; in memory when ``folder`` is None.

    :param keep_open: keep each key's open database (and, for the ``max_cached`` most recent keys, its parsed
        content) for the next call. False: each call opens the file afresh (the hourly metrics). In memory the
        databases are always kept: they are the only copy.
    """

    def __init__(self, folder: Path | None, *, keep_open: bool = True, max_cached: int = MAX_CACHED) -> None:
        self.folder = folder
        self.keep_open = keep_open or folder is None
        self.max_cached = max_cached
        self._databases: dict[str, Database] = {}
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def path(self, key: str) -> Path | None:
        """Where ``key``'s file is (None in memory).

        :raises ValueError: ``key`` is not a plain id (it becomes a file name).
        """
        if not KEY.fullmatch(key):
            raise ValueError(f"not a shard key: {key!r}")
        return self.folder / f"{key}.json" if self.folder is not None else None

    def database(self, key: str) -> Database:
        """``key``'s database (its file is created by the first write). :raises ValueError: not a plain id."""
        path = self.path(key)
        if not self.keep_open:
            return Database(path)
        forget: Database | None = None
        with self._lock:
            database = self._databases.get(key)
            if database is None:
                database = self._databases[key] = Database(path)
            if path is not None:
                self._recent[key] = None
                self._recent.move_to_end(key)
                if len(self._recent) > self.max_cached:
                    oldest, _ = self._recent.popitem(last=False)
                    forget = self._databases.get(oldest)
        if forget is not None:
            forget.forget()  # a file in use right now keeps its content; it is forgotten when next evicted
        return database

    def files(self) -> list[Path]:
        return sorted(self.folder.glob("*.json")) if self.folder is not None and self.folder.is_dir() else []

    def keys(self, prefix: str = "") -> list[str]:
        """Every key with a file (in memory: with a table), or those that start with ``prefix``; sorted."""
        if self.folder is not None:
            found = {path.stem for path in self.files() if KEY.fullmatch(path.stem)}
        else:
            with self._lock:
                opened = list(self._databases.items())
            found = {key for key, database in opened if database.table_names()}
        return sorted(key for key in found if key.startswith(prefix))

    def has(self, key: str) -> bool:
        """Whether ``key`` has a shard (a file; in memory, a table); False for a key that is not a plain id."""
        if not KEY.fullmatch(key):
            return False
        path = self.path(key)
        if path is not None:
            return path.exists()
        with self._lock:
            database = self._databases.get(key)
        return database is not None and bool(database.table_names())

    def check(self) -> int:
        """Read every shard file once, as a start does with a single-file store, so that a damaged one stops the
        start (naming it) instead of failing its room's requests later; nothing is kept. Returns how many.

        :raises StoreCorruptError: a file that is not a TinyDB JSON document.
        """
        files = self.files()
        for path in files:
            try:
                AtomicJSONStorage(path).read()
            except StorageFormatError as exc:
                raise StoreCorruptError(path, str(exc)) from None
            except FileNotFoundError:
                continue  # dropped meanwhile
        return len(files)

    def drop(self, key: str) -> None:
        """Remove ``key``'s shard whole: its file and lock file, or its in-memory tables (gone already is fine)."""
        path = self.path(key)
        with self._lock:
            database = self._databases.pop(key, None)
            self._recent.pop(key, None)
        if database is not None:
            database.close()
        if path is not None:
            path.unlink(missing_ok=True)
            path.with_name(path.name + ".lock").unlink(missing_ok=True)

    def migrate_from(self, old: Path, key_of: KeyOf, tables: list[str] | None = None) -> int:
        """Move the records of a single-file store ``old`` (the earlier layout) into their shards.

        Safe to run again after an interruption: a record already in its shard is not copied twice. The old
        file is kept beside, renamed ``<name>.migrated``. Each shard is written once (one fsync), all its tables
        together. Returns how many records were moved.

        :param tables: the tables to move (default: every table ``key_of`` gives a key for).
        """
        if not old.exists():
            return 0
        # A CLI command may open the same folder at the same moment. (Not the old file's own lock: reading the
        # old file takes that one, and a second flock by this process on another handle would wait forever.)
        with Database.file_lock(old.with_name(old.name + ".migrating")):
            if not old.exists():
                return 0  # the other one moved it
            source = Database(old)
            by_key: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
            moved = 0
            for name in sorted(source.table_names()) if tables is None else tables:
                for record in source.table(name).all():
                    key = key_of(name, record)
                    if KEY.fullmatch(key):
                        by_key[key][name].append(record)
                        moved += 1
                    else:
                        log.warning("Not moved from %s (no usable key): %s %s", old.name, name, record.get("id"))
            source.close()
            for key, groups in by_key.items():
                database = self.database(key)
                with database.batch():
                    for table_name, group in groups.items():
                        table = database.table(table_name)
                        present = {r["id"] for r in table.all()}
                        table.insert_many([r for r in group if r["id"] not in present])
            old.rename(old.with_name(old.name + ".migrated"))
        log.info("Moved %d records from %s into %d files under %s", moved, old.name, len(by_key),
                 self.folder or "memory")
        return moved

    def close(self) -> None:
        with self._lock:
            for database in self._databases.values():
                database.close()
            self._databases.clear()
            self._recent.clear()
