"""The stores behind a small interface (:mod:`.interface`): TinyDB files (the embedded default), or PostgreSQL."""

from .appendlog import AppendLog
from .database import Database, StoreCorruptError, Table
from .interface import (
    AppendLogLike,
    AttemptLogLike,
    DatabaseLike,
    ShardedTableLike,
    StoreBackend,
    StoreSetupError,
    StoreUnavailable,
    TableLike,
)
from .sharded import ShardedTable
from .storage import AtomicJSONStorage
from .transaction import after_commit, current_connection

__all__ = ["AppendLog", "AppendLogLike", "AtomicJSONStorage", "AttemptLogLike", "Database", "DatabaseLike",
           "ShardedTable", "ShardedTableLike", "StoreBackend", "StoreCorruptError", "StoreSetupError",
           "StoreUnavailable", "Table", "TableLike", "after_commit", "current_connection"]
