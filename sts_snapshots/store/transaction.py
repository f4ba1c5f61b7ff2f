"""The transaction open in this thread (or task), whatever the backend; importable without psycopg.

The contract, for code that must join the stores' transaction (the Procrastinate queue defers a snapshot's job
on the connection of the transaction that records the snapshot):

- ``stores.transaction()`` (= the backend's ``transaction()``) opens one transaction for everything inside it:
  every call of every store of that backend made in this thread or task, and every ``locked()`` inside, runs on
  the same connection and commits together when the outermost block ends without an exception. An exception
  rolls it all back and propagates (a lost connection as :class:`~.interface.StoreUnavailable`). Nested
  ``transaction()`` and ``locked()`` blocks join the open one; locks taken inside are held until it ends.
- :func:`current_connection` is that transaction's ``psycopg.Connection`` (a connection of the stores' pool, in
  an open transaction: execute on it, never commit, roll back or close it), or None outside a transaction and
  always on TinyDB. The value is a ContextVar's: a new thread starts with none.
- :func:`after_commit` runs a callable once the open transaction has committed (at once when none is open;
  never if it rolls back), e.g. to hand an in-process scheduler a job whose record must be visible first.
- On TinyDB ``transaction()`` is a no-op context (each call is atomic on its own; nothing is rolled back).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass
class OpenTransaction:
    """The transaction a backend opened in this context: its owner, its connection, what waits for its commit."""

    owner: object
    connection: Any  # a psycopg.Connection (typed loosely so that this module never imports psycopg)
    after_commit: list[Callable[[], object]] = field(default_factory=list)


CURRENT: ContextVar[OpenTransaction | None] = ContextVar("sts_store_transaction", default=None)


def current_connection() -> Any:
    """The psycopg connection of the transaction open in this context, or None (none open, or TinyDB)."""
    open_now = CURRENT.get()
    return open_now.connection if open_now is not None else None


def after_commit(action: Callable[[], object]) -> None:
    """Run ``action`` when the open transaction commits; at once when none is open."""
    open_now = CURRENT.get()
    if open_now is None:
        action()
    else:
        open_now.after_commit.append(action)


class EmbeddedBackend:
    """The TinyDB backend's shared part: nothing to share (each file has its own lock), no transactions."""

    def transaction(self) -> AbstractContextManager[None]:
        return nullcontext()

    def join_cluster(self, values: Any) -> None:
        """One process is its own cluster."""

    def attempt_log(self, scope: str) -> None:
        """Login attempts stay in the process's memory."""

    def ping(self) -> str | None:
        """The files are checked by the health check's write test: nothing else to reach."""
        return None

    def close(self) -> None:
        pass
