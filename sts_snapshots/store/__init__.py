"""TinyDB access behind a small interface: :class:`Database` and :class:`Table`."""

from .appendlog import AppendLog
from .database import Database, StoreCorruptError, Table
from .sharded import ShardedTable
from .storage import AtomicJSONStorage

__all__ = ["AppendLog", "AtomicJSONStorage", "Database", "ShardedTable", "StoreCorruptError", "Table"]
