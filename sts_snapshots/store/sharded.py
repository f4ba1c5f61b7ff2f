"""Records that grow with history, split into one TinyDB file per key (e.g. the activity log, per room).

A TinyDB file is rewritten whole on every write, so one file holding every room's history makes each
write cost O(all history). Split per room, a write costs O(that room's history): one STS operation's.
The files are a :class:`~.shards.ShardedDatabase`'s, each holding this one table.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .database import Table
from .shards import KEY, MAX_CACHED, ShardedDatabase, by_field

__all__ = ["KEY", "ShardedTable", "hashed_key"]


def hashed_key(record_id: str, width: int = 2) -> str:
    """The shard key of a record spread by its id alone (``width`` hex digits: 16**width shards), the same in
    every process, so that a lookup by id opens one shard and reads no other. MD5 (not for security) because
    PostgreSQL computes it too (``left(md5(id), 2)``): the schema migration moves existing records by it.

    >>> hashed_key("snapshot-ab12") == hashed_key("snapshot-ab12"), len(hashed_key("x")), len(hashed_key("x", 3))
    (True, 2, 3)
    """
    return hashlib.md5(record_id.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()[:width]


class ShardedTable:
    """One table, one file per key under ``folder`` (``<key>.json``); in memory when ``folder`` is None.

    :param keep_open: keep each key's open database, and the parsed content it caches, for the next call.
        False for shards whose whole history would be too much to hold in memory (the hourly metrics): each
        call then opens the file afresh. In memory the shards are always kept: they are the only copy.
    """

    def __init__(self, folder: Path | None, name: str, *, keep_open: bool = True,
                 max_cached: int = MAX_CACHED) -> None:
        self.folder = folder
        self.name = name
        self._shards = ShardedDatabase(folder, keep_open=keep_open, max_cached=max_cached)

    @property
    def keep_open(self) -> bool:
        return self._shards.keep_open

    def shard(self, key: str) -> Table:
        """The table of ``key``'s records (its file is created by the first write).

        :raises ValueError: ``key`` is not a plain id (it becomes a file name).
        """
        return self._shards.database(key).table(self.name)

    def files(self) -> list[Path]:
        return self._shards.files()

    def keys(self, prefix: str = "") -> list[str]:
        """Every key with a file (or, in memory, with records so far), or those that start with ``prefix``."""
        return self._shards.keys(prefix)

    def key_of(self, record_id: str) -> str | None:
        """The key of the shard holding a record with ``record_id``, or None (reads every shard: rare calls only)."""
        for key in self.keys():
            if self.shard(key).get(record_id) is not None:
                return key
        return None

    def check(self) -> int:
        """See :meth:`ShardedDatabase.check`."""
        return self._shards.check()

    def drop(self, key: str) -> None:
        """Remove ``key``'s shard whole: its file and lock file, or its in-memory table (gone already is fine)."""
        self._shards.drop(key)

    def migrate_from(self, old: Path, key_field: str) -> int:
        """Move the records of a single-file store ``old`` (the earlier layout) into their shards, by
        ``key_field``; see :meth:`ShardedDatabase.migrate_from` (idempotent, keeps ``<name>.migrated``)."""
        return self._shards.migrate_from(old, by_field({self.name: key_field}), [self.name])

    def migrate_hashed(self, old: Path) -> int:
        """As :meth:`migrate_from`, each record into the shard :func:`hashed_key` gives its id."""
        return self._shards.migrate_from(old, lambda _table, record: hashed_key(str(record.get("id", ""))),
                                         [self.name])

    def close(self) -> None:
        self._shards.close()
