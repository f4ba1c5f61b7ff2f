"""The stores behind a small interface (:mod:`.interface`): TinyDB files (the embedded default), or PostgreSQL."""

from .appendlog import AppendLog
from .database import Database, StoreCorruptError, Table, durable_at_end
from .interface import (
    AppendLogLike,
    AttemptLogLike,
    DatabaseLike,
    ShardedDatabaseLike,
    ShardedTableLike,
    StoreBackend,
    StoreSetupError,
    StoreUnavailable,
    TableLike,
)
from .sharded import ShardedTable, hashed_key
from .shards import ShardedDatabase
from .storage import AtomicJSONStorage
from .transaction import after_commit, current_connection

__all__ = ["AppendLog", "AppendLogLike", "AtomicJSONStorage", "AttemptLogLike", "Database", "DatabaseLike",
           "ShardedDatabase", "ShardedDatabaseLike", "ShardedTable", "ShardedTableLike", "StoreBackend",
           "StoreCorruptError", "StoreSetupError", "StoreUnavailable", "Table", "TableLike", "after_commit",
           "current_connection", "durable_at_end", "hashed_key"]
