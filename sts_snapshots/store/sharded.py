"""Records that grow with history, split into one TinyDB file per key (e.g. the activity log, per room).

A TinyDB file is rewritten whole on every write, so one file holding every room's history makes each
write cost O(all history). Split per room, a write costs O(that room's history): one STS operation's.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

from .database import Database, Table

log = logging.getLogger(__name__)
KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


class ShardedTable:
    """One table, one file per key under ``folder`` (``<key>.json``); in memory when ``folder`` is None.

    :param keep_open: keep each key's open database, and the parsed content it caches, for the next call.
        False for shards whose whole history would be too much to hold in memory (the hourly metrics): each
        call then opens the file afresh. In memory the shards are always kept: they are the only copy.
    """

    def __init__(self, folder: Path | None, name: str, *, keep_open: bool = True) -> None:
        self.folder = folder
        self.name = name
        self.keep_open = keep_open or folder is None
        self._databases: dict[str, Database] = {}
        self._lock = threading.Lock()

    def shard(self, key: str) -> Table:
        """The table of ``key``'s records (its file is created by the first write).

        :raises ValueError: ``key`` is not a plain id (it becomes a file name).
        """
        path = self._path(key)
        if not self.keep_open:
            return Database(path).table(self.name)
        with self._lock:
            database = self._databases.get(key)
            if database is None:
                database = Database(path)
                self._databases[key] = database
        return database.table(self.name)

    def _path(self, key: str) -> Path | None:
        """Where ``key``'s file is (None in memory); ValueError if ``key`` is not a plain id."""
        if not KEY.fullmatch(key):
            raise ValueError(f"not a shard key: {key!r}")
        return self.folder / f"{key}.json" if self.folder is not None else None

    def files(self) -> list[Path]:
        return sorted(self.folder.glob("*.json")) if self.folder is not None else []

    def keys(self, prefix: str = "") -> list[str]:
        """Every key with a file (or, in memory, a table opened so far), or those that start with ``prefix``."""
        with self._lock:
            opened = set(self._databases)
        found = opened | {path.stem for path in self.files() if KEY.fullmatch(path.stem)}
        return sorted(key for key in found if key.startswith(prefix))

    def key_of(self, record_id: str) -> str | None:
        """The key of the shard holding a record with ``record_id``, or None (reads every shard: rare calls only)."""
        for key in self.keys():
            if self.shard(key).get(record_id) is not None:
                return key
        return None

    def drop(self, key: str) -> None:
        """Remove ``key``'s shard whole: its file and lock file, or its in-memory table (gone already is fine)."""
        path = self._path(key)
        with self._lock:
            database = self._databases.pop(key, None)
        if database is not None:
            database.close()
        if path is not None:
            path.unlink(missing_ok=True)
            path.with_name(path.name + ".lock").unlink(missing_ok=True)

    def migrate_from(self, old: Path, key_field: str) -> int:
        """Move the records of a single-file store ``old`` (the earlier layout) into their shards.

        Safe to run again after an interruption: a record already in its shard is not copied twice. The old
        file is kept beside, renamed ``<name>.migrated``. Returns how many records were moved.
        """
        if not old.exists():
            return 0
        # A CLI command may open the same folder at the same moment. (Not the old file's own lock: reading the
        # old file takes that one, and a second flock by this process on another handle would wait forever.)
        with Database.file_lock(old.with_name(old.name + ".migrating")):
            if not old.exists():
                return 0  # the other one moved it
            records = Database(old).table(self.name).all()
            by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for record in records:
                key = str(record.get(key_field, ""))
                if KEY.fullmatch(key):
                    by_key[key].append(record)
                else:
                    log.warning("Not moved from %s (no usable %s): %s", old.name, key_field, record.get("id"))
            for key, group in by_key.items():
                table = self.shard(key)
                with table.locked():
                    present = {r["id"] for r in table.all()}
                    table.insert_many([r for r in group if r["id"] not in present])
            old.rename(old.with_name(old.name + ".migrated"))
        log.info("Moved %d %s records from %s into one file per %s", len(records), self.name, old.name, key_field)
        return len(records)

    def close(self) -> None:
        with self._lock:
            for database in self._databases.values():
                database.close()
            self._databases.clear()
