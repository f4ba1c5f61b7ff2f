"""Several tables split per key in PostgreSQL: the rows of (store, table, key) in ``sts_records``, as
:class:`~.shards.ShardedDatabase` keeps them in one TinyDB file per key. A key's lock is its own."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .postgres_tables import PgTable
from .shards import KEY

if TYPE_CHECKING:
    from .postgres import PgBackend


class PgShard:
    """One key's tables (what one shard file holds), sharing the key's advisory lock."""

    def __init__(self, backend: PgBackend, store: str, key: str) -> None:
        self._backend = backend
        self.store = store
        self.key = key

    def table(self, name: str) -> PgTable[Any]:
        return PgTable(self._backend, self.store, name, self.key, (self.store, self.key))

    def table_names(self) -> set[str]:
        """The names of the key's tables that hold records."""
        with self._backend.connection() as conn:
            rows = conn.execute("SELECT DISTINCT tbl FROM sts_records WHERE store = %s AND shard = %s",
                                (self.store, self.key)).fetchall()
        return {str(row[0]) for row in rows}

    def locked(self) -> AbstractContextManager[None]:
        return self._backend.locked(self.store, self.key)

    def batch(self) -> AbstractContextManager[None]:
        """One transaction (under the lock): every write inside commits together."""
        return self.locked()

    def close(self) -> None:
        """The pool is the backend's: closed with it."""


class PgShardedDatabase:
    """Tables split per key; ``folder`` is None (no shard files)."""

    folder: Path | None = None

    def __init__(self, backend: PgBackend, store: str) -> None:
        self._backend = backend
        self.store = store

    def database(self, key: str) -> PgShard:
        """:raises ValueError: ``key`` is not a plain id (the same keys as the TinyDB backend's file names)."""
        if not KEY.fullmatch(key):
            raise ValueError(f"not a shard key: {key!r}")
        return PgShard(self._backend, self.store, key)

    def has(self, key: str) -> bool:
        if not KEY.fullmatch(key):
            return False
        with self._backend.connection() as conn:
            row = conn.execute("SELECT 1 FROM sts_records WHERE store = %s AND shard = %s LIMIT 1",
                               (self.store, key)).fetchone()
        return row is not None

    def keys(self, prefix: str = "") -> list[str]:
        like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._backend.connection() as conn:
            rows = conn.execute("SELECT DISTINCT shard FROM sts_records WHERE store = %s AND shard <> '' "
                                "AND shard LIKE %s ORDER BY shard", (self.store, like)).fetchall()
        return [str(row[0]) for row in rows]

    def drop(self, key: str) -> None:
        """Remove ``key``'s records whole, every table's (gone already is fine)."""
        if not KEY.fullmatch(key):
            raise ValueError(f"not a shard key: {key!r}")
        with self._backend.connection() as conn:
            conn.execute("DELETE FROM sts_records WHERE store = %s AND shard = %s", (self.store, key))

    def files(self) -> list[Path]:
        return []

    def close(self) -> None:
        """The pool is the backend's: closed with it."""
