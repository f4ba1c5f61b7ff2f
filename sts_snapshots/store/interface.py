"""The store interface every backend implements (TinyDB files, TinyDB in memory, PostgreSQL), as Protocols.

Services annotate what they are handed with these types, never with a backend's class, so the same service
code runs on either backend. The contract (checked by ``tests/test_store_contract.py`` against every backend):

- A record is a JSON object with a non-empty string ``id``; every call hands out copies, never the store's own
  objects. ``insert`` of a taken id raises KeyError; ``upsert`` replaces in one step; ``all``, ``find`` and
  ``search`` answer in insertion order (an upsert counts as a new insertion).
- ``find(**equals)`` matches fields by equality (PostgreSQL uses an index); ``search(predicate)`` filters in
  Python and reads the whole table: prefer ``find``.
- ``locked()`` excludes every other holder of the same lock (threads of this process and, on PostgreSQL, every
  node) for a check and then the change it allows; it is re-entrant. A single call is atomic on its own and
  does not wait for a lock someone else holds: both sides of a check-then-act use ``locked()``.
- Errors: :class:`StoreUnavailable` when the database cannot be reached *now* (the API answers 503);
  :class:`StoreSetupError` when a store cannot be opened at start (one readable line, no traceback).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, TypeVar

R = TypeVar("R")


class StoreUnavailable(RuntimeError):
    """The database cannot be reached at the moment (it went away, or no connection came in time); nothing of
    the call was recorded. The message is one line, fit for a user."""


class StoreSetupError(RuntimeError):
    """A store cannot be opened at start: an unreachable or wrong database, a schema newer than this version,
    a node whose secrets are not its cluster's. The message is one line that says which and what to do."""


class TableLike(Protocol[R]):
    """Records of one kind (``Table`` in TinyDB, ``PgTable`` in PostgreSQL)."""

    name: str

    def locked(self) -> AbstractContextManager[None]: ...
    def insert(self, record: R) -> R: ...
    def upsert(self, record: R) -> None: ...
    def insert_many(self, records: list[R]) -> None: ...
    def get(self, record_id: str) -> R | None: ...
    def all(self) -> list[R]: ...
    def find(self, **equals: Any) -> list[R]: ...
    def search(self, predicate: Callable[[R], bool]) -> list[R]: ...
    def update(self, record_id: str, changes: Mapping[str, Any]) -> R | None: ...
    def remove(self, record_id: str) -> bool: ...
    def remove_where(self, predicate: Callable[[R], bool]) -> int: ...
    def count(self) -> int: ...
    def clear(self) -> None: ...


class DatabaseLike(Protocol):
    """A store of several tables that share one lock (one TinyDB file; one PostgreSQL advisory lock)."""

    def table(self, name: str) -> TableLike[Any]: ...
    def table_names(self) -> set[str]:
        """The names of its tables that hold records (or, in a file, that the file holds)."""
    def locked(self) -> AbstractContextManager[None]: ...
    def batch(self) -> AbstractContextManager[None]:
        """``locked()``, and every write inside lands together when the block ends, or none on an exception (one
        file write, one fsync, on TinyDB; one transaction on PostgreSQL). For bulk loads."""
    def close(self) -> None: ...


class ShardedTableLike(Protocol):
    """One table split per key (a room): each key's records apart, with a lock of its own."""

    name: str

    @property
    def folder(self) -> Path | None:
        """The TinyDB backend's folder of shard files; None in memory and on PostgreSQL."""

    def shard(self, key: str) -> TableLike[Any]: ...
    def keys(self, prefix: str = "") -> list[str]: ...
    def key_of(self, record_id: str) -> str | None:
        """The key of the shard that holds a record with ``record_id``, or None."""
    def drop(self, key: str) -> None: ...
    def files(self) -> list[Path]: ...
    def close(self) -> None: ...


class ShardedDatabaseLike(Protocol):
    """Several tables split per key (a room): each key's tables apart (one TinyDB file; one PostgreSQL shard),
    with a lock of their own, so a write to one room costs that room's records whatever the number of rooms."""

    @property
    def folder(self) -> Path | None:
        """The TinyDB backend's folder of shard files; None in memory and on PostgreSQL."""

    def database(self, key: str) -> DatabaseLike:
        """``key``'s tables. :raises ValueError: ``key`` is not a plain id (``[A-Za-z0-9_-]{1,64}``)."""
    def has(self, key: str) -> bool:
        """Whether ``key`` has records (False for a key that is not a plain id)."""
    def keys(self, prefix: str = "") -> list[str]:
        """Every key with records (a file: possibly emptied since), sorted; or those that start with ``prefix``."""
    def drop(self, key: str) -> None: ...
    def files(self) -> list[Path]: ...
    def close(self) -> None: ...


class AppendLogLike(Protocol):
    """Records only ever added, per key, read back in the order they were added."""

    def append(self, key: str, record: dict[str, Any]) -> None: ...
    def keys(self) -> list[str]:
        """Every key with records."""
    def read(self, key: str) -> list[dict[str, Any]]: ...
    def rewrite(self, key: str, records: list[dict[str, Any]]) -> None: ...
    def files(self) -> list[Path]: ...


class StoreBackend(Protocol):
    """What the stores of one backend share: transactions, the cluster's settled values, the connection pool."""

    def transaction(self) -> AbstractContextManager[Any]:
        """Everything inside is one transaction (see :mod:`.transaction`); a no-op context for TinyDB."""

    def join_cluster(self, values: Mapping[str, str]) -> None:
        """Record ``values`` (fingerprints of this node's secrets) as the cluster's at the first start; later
        starts must bring the same ones. :raises StoreSetupError: naming the first that differs."""

    def attempt_log(self, scope: str) -> AttemptLogLike | None:
        """The login throttle's shared attempts for ``scope`` ("login", "verify"); None: keep them in memory."""

    def ping(self) -> str | None:
        """None when the stores can be reached now; otherwise what failed, in one line (the health check's)."""

    def close(self) -> None: ...


class AttemptLogLike(Protocol):
    """Login (or verify) attempts per client address, shared by every node: the login throttle's state."""

    def attempt(self, account: str, address: str, window_s: float,
                decide: Callable[[list[tuple[bool, float]], float], None]) -> tuple[int, float]:
        """Under the address's lock: call ``decide(recent, now)`` with the address's attempts of the last
        ``window_s`` seconds as (for this account?, when) oldest first; unless it raises, record this attempt.
        Returns (the attempt's reference, its time)."""

    def succeeded(self, ref: int, account: str, address: str) -> None:
        """Give back attempt ``ref`` and stop counting ``account``'s failures from ``address`` against it."""

    def forget(self, account: str) -> None:
        """Stop counting anything against ``account``."""

    def count(self) -> int:
        """How many attempts are on record."""
