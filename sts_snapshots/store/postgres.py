"""Every store in PostgreSQL (the distributed mode): psycopg 3 with a psycopg_pool connection pool.

psycopg 3 because it is the maintained driver with a sync API, server-side parameters and binary jsonb, and the
one Procrastinate's connectors are written for (the job queue joins our transactions on its connections); the pool
because every thread of the server (FastAPI's, NiceGUI's io_bound, the scheduler's) needs a connection for a few
milliseconds, and it replaces connections that died (``check``) and reconnects in the background, so a node works
again by itself once PostgreSQL is back.

Transactions: see :mod:`.transaction` for the contract of :meth:`PgBackend.transaction` and ``current_connection``.
Outside a transaction each call is one autocommitted statement (atomic on its own; acknowledged means committed).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from typing import Any

import orjson
import psycopg
from psycopg.types.json import set_json_loads
from psycopg_pool import ConnectionPool

from .interface import StoreSetupError, StoreUnavailable
from .postgres_errors import check_reachable, is_connection_failure, reason_of
from .postgres_schema import ensure_schema, lock_key
from .postgres_shards import PgShardedDatabase
from .postgres_tables import PgAppendLog, PgDatabase, PgShardedTable
from .postgres_throttle import PgAttemptLog
from .transaction import CURRENT, OpenTransaction

log = logging.getLogger(__name__)

POOL_MIN, POOL_MAX = 1, 12  # connections per node; a request holds one for a few milliseconds
# Longest wait for a connection before answering 503: under NiceGUI's 3 s to build a page, so that a page too
# answers with the 503 page rather than NiceGUI's timeout.
WAIT_S = 2.0


def _configure(conn: psycopg.Connection) -> None:
    set_json_loads(orjson.loads, conn)


class PgBackend:
    """One database, its pool, and the transaction open in each thread (or task).

    :raises StoreSetupError: at construction, when the database cannot be used (one line: which, and why).
    """

    def __init__(self, url: str, *, pool_max: int = POOL_MAX, wait_s: float = WAIT_S) -> None:
        self.target = check_reachable(url)
        self.pool: ConnectionPool = ConnectionPool(
            url, open=False, min_size=POOL_MIN, max_size=pool_max, timeout=wait_s, name="sts-stores",
            kwargs={"autocommit": True, "connect_timeout": 5, "application_name": "sts-snapshots"},
            configure=_configure, check=ConnectionPool.check_connection, reconnect_timeout=24 * 3600.0)
        try:
            self.pool.open(wait=True, timeout=10)
            with self.pool.connection() as conn:
                ensure_schema(conn, self.target)
        except psycopg.Error as exc:
            self.pool.close()
            raise StoreSetupError(f"Cannot use {self.target}: {reason_of(exc)}") from None
        except BaseException:
            self.pool.close()
            raise

    # -- what the stores are made of -----------------------------------------------------------------
    def database(self, store: str) -> PgDatabase:
        return PgDatabase(self, store)

    def sharded(self, store: str) -> PgShardedTable:
        return PgShardedTable(self, store)

    def sharded_database(self, store: str) -> PgShardedDatabase:
        return PgShardedDatabase(self, store)

    def append_log(self, store: str) -> PgAppendLog:
        return PgAppendLog(self, store)

    def attempt_log(self, scope: str) -> PgAttemptLog:
        return PgAttemptLog(self, scope)

    # -- connections and transactions ------------------------------------------------------------------
    @contextlib.contextmanager
    def translated(self) -> Iterator[None]:
        """Lost connections as :class:`StoreUnavailable`; text PostgreSQL cannot hold (NUL) as ValueError."""
        try:
            yield
        except psycopg.DataError as exc:
            raise ValueError(f"the store cannot hold this value: {reason_of(exc)}") from None
        except psycopg.Error as exc:
            if is_connection_failure(exc):
                log.warning("%s: %s", self.target, reason_of(exc))
                raise StoreUnavailable(f"The database cannot be reached: {self.target}: {reason_of(exc)}. "
                                       "Try again in a moment.") from exc
            raise

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """The open transaction's connection, or one from the pool for a single statement (autocommit)."""
        open_now = CURRENT.get()
        if open_now is not None and open_now.owner is self:
            yield open_now.connection
            return
        with self.translated(), self.pool.connection() as conn:
            yield conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[psycopg.Connection]:
        """One transaction for everything inside, joined by nested blocks (the contract: :mod:`.transaction`)."""
        open_now = CURRENT.get()
        if open_now is not None and open_now.owner is self:
            yield open_now.connection
            return
        state = OpenTransaction(owner=self, connection=None)
        with self.translated(), self.pool.connection() as conn:
            state.connection = conn
            token = CURRENT.set(state)
            try:
                with conn.transaction():
                    yield conn
            finally:
                CURRENT.reset(token)
        for action in state.after_commit:
            action()

    @contextlib.contextmanager
    def locked(self, *parts: str) -> Iterator[None]:
        """A transaction holding the advisory lock of ``parts`` until it ends: excludes every other holder on
        every node. Re-entrant (a nested block takes the same lock again on the same connection)."""
        with self.transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(*parts),))
            yield

    def join_cluster(self, values: Mapping[str, str]) -> None:
        """The first node's ``values`` become the cluster's; a node bringing other ones is refused."""
        with self.connection() as conn:
            for name, value in values.items():
                conn.execute("INSERT INTO sts_cluster (name, value) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                             (name, value))
            rows = conn.execute("SELECT name, value FROM sts_cluster WHERE name = ANY(%s)", (list(values),))
            cluster: dict[str, Any] = dict(rows.fetchall())
        differ = [name for name, value in values.items() if cluster.get(name) != value]
        if differ:
            verb = "differs" if len(differ) == 1 else "differ"
            raise StoreSetupError(f"This node's {', '.join(differ)} {verb} from the cluster's (the first node that "
                                  f"started with {self.target}): copy the secrets folder of a node of the cluster "
                                  "to this one (see the README, Distributed mode)")

    def ping(self) -> str | None:
        """None when the database answers a query now; otherwise what failed (one line, no password)."""
        try:
            with self.connection() as conn:
                conn.execute("SELECT 1")
        except StoreUnavailable as exc:
            return str(exc).removesuffix(" Try again in a moment.")
        return None

    def close(self) -> None:
        self.pool.close()
