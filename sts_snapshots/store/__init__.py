"""TinyDB access behind a small interface: :class:`Database` and :class:`Table`."""

from .database import Database, StoreCorruptError, Table
from .sharded import ShardedTable
from .storage import AtomicJSONStorage

__all__ = ["AtomicJSONStorage", "Database", "ShardedTable", "StoreCorruptError", "Table"]
