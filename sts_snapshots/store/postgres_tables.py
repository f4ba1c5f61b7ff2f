"""The store interface over PostgreSQL's ``sts_records`` and ``sts_log`` (see :mod:`.postgres_schema`).

A table is the rows of one (store, table, shard key); a TinyDB database's tables have the shard key ``''``. Reads
hand out the documents psycopg parsed (new objects each time); writes send the record as jsonb.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import orjson
from psycopg.types.json import Jsonb

from .sharded import KEY

if TYPE_CHECKING:
    from .postgres import PgBackend

R = TypeVar("R")
SCALARS = (str, int, float, bool)


def _jsonb(value: Any) -> Jsonb:
    return Jsonb(value, dumps=lambda obj: orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS))


def storable(text: str) -> bool:
    """Whether PostgreSQL can hold ``text`` (no NUL, no unpaired surrogate): a lookup of any other is a miss.

    >>> storable("a@b.example"), storable("a\\x00b"), storable("\\ud800")
    (True, False, False)
    """
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _id_of(record: Any) -> str:
    key = record.get("id") if isinstance(record, Mapping) else None
    if not isinstance(key, str) or not key:
        raise ValueError("a record needs a non-empty string id")
    return key


class PgTable(Generic[R]):
    """Records of one kind in one (store, table, shard); the same methods and answers as the TinyDB ``Table``."""

    def __init__(self, backend: PgBackend, store: str, name: str, shard: str, lock: tuple[str, ...]) -> None:
        self._backend = backend
        self._key = (store, name, shard)
        self._lock = lock
        self.name = name

    def locked(self) -> AbstractContextManager[None]:
        """The store's (or the shard's) advisory lock in a transaction: see :meth:`PgBackend.locked`."""
        return self._backend.locked(*self._lock)

    def _rows(self, sql: str, params: tuple[Any, ...] = (), before: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run ``sql`` with (``before``, store, table, shard, ``params``), in the open transaction if there is one."""
        with self._backend.connection() as conn:
            return conn.execute(sql, (*before, *self._key, *params)).fetchall()  # type: ignore[arg-type]

    def _docs(self, sql: str, params: tuple[Any, ...] = (), before: tuple[Any, ...] = ()) -> list[R]:
        return [row[0] for row in self._rows(sql, params, before)]

    def insert(self, record: R) -> R:
        key = _id_of(record)
        if not self._rows("INSERT INTO sts_records (store, tbl, shard, id, doc) VALUES (%s, %s, %s, %s, %s) "
                          "ON CONFLICT DO NOTHING RETURNING 1", (key, _jsonb(record))):
            raise KeyError(f"{self.name} {key} exists already")
        return copy.deepcopy(record)

    def upsert(self, record: R) -> None:
        """Insert ``record``, replacing any record with its id, in one statement (it moves to the end, as in TinyDB)."""
        key = _id_of(record)
        self._rows("INSERT INTO sts_records (store, tbl, shard, id, doc) VALUES (%s, %s, %s, %s, %s) "
                   "ON CONFLICT (store, tbl, shard, id) DO UPDATE SET doc = EXCLUDED.doc, "
                   "ord = nextval('sts_record_order') RETURNING 1", (key, _jsonb(record)))

    def insert_many(self, records: list[R]) -> None:
        """All or nothing: a taken (or repeated) id refuses the whole batch with KeyError."""
        if not records:
            return
        ids = [_id_of(record) for record in records]
        # a savepoint inside an open transaction (BEGIN otherwise): the KeyError undoes the rows this batch added
        with self._backend.transaction() as conn, conn.transaction():
            added = conn.execute(
                "INSERT INTO sts_records (store, tbl, shard, id, doc) SELECT %s, %s, %s, u.id, u.doc "
                "FROM unnest(%s::text[], %s::jsonb[]) WITH ORDINALITY AS u(id, doc, n) ORDER BY u.n "
                "ON CONFLICT DO NOTHING", (*self._key, ids, [_jsonb(r) for r in records])).rowcount
            if added != len(records):
                raise KeyError(f"{self.name}: {len(records) - added} of the ids exist already")

    def get(self, record_id: str) -> R | None:
        if not storable(record_id):
            return None
        found = self._docs("SELECT doc FROM sts_records WHERE store = %s AND tbl = %s AND shard = %s AND id = %s",
                           (record_id,))
        return found[0] if found else None

    def all(self) -> list[R]:
        return self._docs("SELECT doc FROM sts_records WHERE store = %s AND tbl = %s AND shard = %s ORDER BY ord")

    def find(self, **equals: Any) -> list[R]:
        """Records whose fields equal ``equals``: scalar values through the jsonb index (``doc @>``), then every
        value compared in Python (as TinyDB compares: a missing field equals None)."""
        scalars = {k: v for k, v in equals.items() if isinstance(v, SCALARS)}
        if any(isinstance(v, str) and not storable(v) for v in scalars.values()):
            return []
        if scalars:
            found = self._docs("SELECT doc FROM sts_records WHERE store = %s AND tbl = %s AND shard = %s "
                               "AND doc @> %s ORDER BY ord", (_jsonb(scalars),))
        else:
            found = self.all()
        return [doc for doc in found if all(doc.get(k) == v for k, v in equals.items())]  # type: ignore[attr-defined]

    def search(self, predicate: Callable[[R], bool]) -> list[R]:
        """Reads the whole table and filters in Python: prefer :meth:`find`."""
        return [doc for doc in self.all() if predicate(doc)]

    def update(self, record_id: str, changes: Mapping[str, Any]) -> R | None:
        """Merge ``changes`` into the record's top-level fields in one statement; None if there is no such record."""
        if "id" in changes and changes["id"] != record_id:
            raise ValueError("a record's id cannot be changed")
        if not storable(record_id):
            return None
        found = self._docs("UPDATE sts_records SET doc = doc || %s WHERE store = %s AND tbl = %s AND shard = %s "
                           "AND id = %s RETURNING doc", (record_id,), before=(_jsonb(dict(changes)),))
        return found[0] if found else None

    def remove(self, record_id: str) -> bool:
        if not storable(record_id):
            return False
        return bool(self._rows("DELETE FROM sts_records WHERE store = %s AND tbl = %s AND shard = %s AND id = %s "
                               "RETURNING 1", (record_id,)))

    def remove_where(self, predicate: Callable[[R], bool]) -> int:
        """The matching records, locked (FOR UPDATE) while the predicate runs, removed in the same transaction."""
        with self._backend.transaction():
            rows = self._rows("SELECT id, doc FROM sts_records WHERE store = %s AND tbl = %s AND shard = %s "
                              "ORDER BY ord FOR UPDATE")
            doomed = [record_id for record_id, doc in rows if predicate(doc)]
            if doomed:
                self._rows("DELETE FROM sts_records WHERE store = %s AND tbl = %s AND shard = %s AND id = ANY(%s) "
                           "RETURNING 1", (doomed,))
        return len(doomed)

    def count(self) -> int:
        return int(self._rows("SELECT count(*) FROM sts_records WHERE store = %s AND tbl = %s AND shard = %s")[0][0])

    def clear(self) -> None:
        self._rows("DELETE FROM sts_records WHERE store = %s AND tbl = %s AND shard = %s RETURNING 1")


class PgDatabase:
    """The tables of one store (what one TinyDB file holds), sharing the store's lock."""

    def __init__(self, backend: PgBackend, store: str) -> None:
        self._backend = backend
        self.store = store

    def table(self, name: str) -> PgTable[Any]:
        return PgTable(self._backend, self.store, name, "", (self.store,))

    def table_names(self) -> set[str]:
        """The names of the tables that hold records."""
        with self._backend.connection() as conn:
            rows = conn.execute("SELECT DISTINCT tbl FROM sts_records WHERE store = %s AND shard = ''",
                                (self.store,)).fetchall()
        return {str(row[0]) for row in rows}

    def locked(self) -> AbstractContextManager[None]:
        return self._backend.locked(self.store)

    def batch(self) -> AbstractContextManager[None]:
        """One transaction (under the lock): every write inside commits together."""
        return self.locked()

    def close(self) -> None:
        """The pool is the backend's: closed with it."""


class PgShardedTable:
    """One table split per key; a key's lock is its own (``locked()`` of one room's shard leaves the others free)."""

    folder: Path | None = None  # no shard files

    def __init__(self, backend: PgBackend, name: str) -> None:
        self._backend = backend
        self.name = name

    def shard(self, key: str) -> PgTable[Any]:
        """:raises ValueError: ``key`` is not a plain id (the same keys as the TinyDB backend's file names)."""
        if not KEY.fullmatch(key):
            raise ValueError(f"not a shard key: {key!r}")
        return PgTable(self._backend, self.name, self.name, key, (self.name, key))

    def keys(self, prefix: str = "") -> list[str]:
        """Every key with a record, or those that start with ``prefix`` (one index probe per key)."""
        sql = ("WITH RECURSIVE k(shard) AS ("
               " SELECT min(shard) FROM sts_records WHERE store = %(s)s AND tbl = %(s)s AND shard >= %(p)s"
               " UNION ALL SELECT (SELECT min(shard) FROM sts_records WHERE store = %(s)s AND tbl = %(s)s"
               " AND shard > k.shard) FROM k WHERE k.shard IS NOT NULL AND k.shard LIKE %(like)s)"
               " SELECT shard FROM k WHERE shard IS NOT NULL AND shard LIKE %(like)s")
        like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._backend.connection() as conn:
            rows = conn.execute(sql, {"s": self.name, "p": prefix, "like": like}).fetchall()
        return [row[0] for row in rows]

    def key_of(self, record_id: str) -> str | None:
        """The key of the shard holding a record with ``record_id``, or None (one query, whatever the shards)."""
        if not storable(record_id):
            return None
        with self._backend.connection() as conn:
            row = conn.execute("SELECT shard FROM sts_records WHERE store = %s AND tbl = %s AND id = %s LIMIT 1",
                               (self.name, self.name, record_id)).fetchone()
        return str(row[0]) if row else None

    def drop(self, key: str) -> None:
        """Remove ``key``'s records whole (gone already is fine)."""
        self.shard(key).clear()

    def files(self) -> list[Path]:
        return []

    def close(self) -> None:
        """The pool is the backend's: closed with it."""


class PgAppendLog:
    """Append-only records per key, as rows numbered in the order they were added."""

    folder: Path | None = None

    def __init__(self, backend: PgBackend, store: str) -> None:
        self._backend = backend
        self.store = store

    @staticmethod
    def _checked(key: str) -> str:
        if not KEY.fullmatch(key):
            raise ValueError(f"not a log key: {key!r}")
        return key

    def append(self, key: str, record: dict[str, Any]) -> None:
        """Add ``record`` to ``key``'s log; committed when this returns (unless inside a transaction)."""
        with self._backend.connection() as conn:
            conn.execute("INSERT INTO sts_log (store, key, doc) VALUES (%s, %s, %s)",
                         (self.store, self._checked(key), _jsonb(record)))

    def keys(self) -> list[str]:
        """Every key with a record."""
        with self._backend.connection() as conn:
            rows = conn.execute("SELECT DISTINCT key FROM sts_log WHERE store = %s ORDER BY key",
                                (self.store,)).fetchall()
        return [str(row[0]) for row in rows]

    def read(self, key: str) -> list[dict[str, Any]]:
        with self._backend.connection() as conn:
            rows = conn.execute("SELECT doc FROM sts_log WHERE store = %s AND key = %s ORDER BY ord",
                                (self.store, self._checked(key))).fetchall()
        return [row[0] for row in rows]

    def rewrite(self, key: str, records: list[dict[str, Any]]) -> None:
        """Replace ``key``'s log whole, in one transaction."""
        with self._backend.transaction() as conn:
            conn.execute("DELETE FROM sts_log WHERE store = %s AND key = %s", (self.store, self._checked(key)))
            if records:
                conn.execute("INSERT INTO sts_log (store, key, doc) SELECT %s, %s, u.doc "
                             "FROM unnest(%s::jsonb[]) WITH ORDINALITY AS u(doc, n) ORDER BY u.n",
                             (self.store, key, [_jsonb(r) for r in records]))

    def files(self) -> list[Path]:
        return []
