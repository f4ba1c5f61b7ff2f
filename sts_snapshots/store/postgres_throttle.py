"""The login throttle's attempts in PostgreSQL, so that every web node counts the same failures.

Accounts and addresses are kept as digests (the table never holds the e-mails people typed, and any text fits);
times are the database's clock, the one every node shares. The decision (limits, window) stays with
:mod:`sts_snapshots.services.throttle`: this only keeps the attempts and the lock that makes check-and-take atomic.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .postgres import PgBackend


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class PgAttemptLog:
    def __init__(self, backend: PgBackend, scope: str) -> None:
        self._backend = backend
        self.scope = scope
        self._swept = float("-inf")  # this process's last sweep (time.monotonic)

    def attempt(self, account: str, address: str, window_s: float,
                decide: Callable[[list[tuple[bool, float]], float], None]) -> tuple[int, float]:
        who, where = _digest(account), _digest(address)
        with self._backend.locked("sts-throttle", self.scope, where), self._backend.connection() as conn:
            row = conn.execute("SELECT extract(epoch FROM clock_timestamp())::float8").fetchone()
            assert row is not None
            now = float(row[0])
            conn.execute("DELETE FROM sts_login_attempts WHERE scope = %s AND address = %s AND at <= %s",
                         (self.scope, where, now - window_s))
            recent = conn.execute("SELECT account IS NOT DISTINCT FROM %s, at FROM sts_login_attempts "
                                  "WHERE scope = %s AND address = %s ORDER BY at, ref",
                                  (who, self.scope, where)).fetchall()
            decide([(bool(mine), float(at)) for mine, at in recent], now)  # raises to refuse: nothing is recorded
            added = conn.execute("INSERT INTO sts_login_attempts (scope, address, account, at) VALUES (%s, %s, %s, %s) "
                                 "RETURNING ref", (self.scope, where, who, now)).fetchone()
            assert added is not None
        self._sweep(now - window_s)
        return int(added[0]), now

    def succeeded(self, ref: int, account: str, address: str) -> None:
        with self._backend.transaction() as conn:
            conn.execute("DELETE FROM sts_login_attempts WHERE ref = %s", (ref,))
            conn.execute("UPDATE sts_login_attempts SET account = NULL WHERE scope = %s AND address = %s "
                         "AND account = %s", (self.scope, _digest(address), _digest(account)))

    def forget(self, account: str) -> None:
        with self._backend.connection() as conn:
            conn.execute("UPDATE sts_login_attempts SET account = NULL WHERE scope = %s AND account = %s",
                         (self.scope, _digest(account)))

    def count(self) -> int:
        with self._backend.connection() as conn:
            row = conn.execute("SELECT count(*) FROM sts_login_attempts WHERE scope = %s", (self.scope,)).fetchone()
        return int(row[0]) if row else 0

    def _sweep(self, before: float) -> None:
        """Once a minute, forget every attempt older than the window (addresses never seen again included)."""
        if time.monotonic() - self._swept < 60:
            return
        self._swept = time.monotonic()
        with self._backend.connection() as conn:
            conn.execute("DELETE FROM sts_login_attempts WHERE scope = %s AND at <= %s", (self.scope, before))
