"""The app's stores, opened together: TinyDB files from the data folder's layout, or every one in PostgreSQL."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field, fields
from typing import Any

from ..datadir import DataLayout
from ..settings import Settings
from .appendlog import AppendLog
from .database import Database
from .interface import AppendLogLike, DatabaseLike, ShardedTableLike, StoreBackend, StoreSetupError
from .sharded import ShardedTable
from .transaction import EmbeddedBackend


@dataclass
class Stores:
    users: DatabaseLike
    rooms: DatabaseLike
    activity: ShardedTableLike
    audit: AppendLogLike
    snapshots: ShardedTableLike
    tasks: DatabaseLike
    cache_index: DatabaseLike
    checklists: DatabaseLike
    backend: StoreBackend = field(default_factory=EmbeddedBackend)  # what they share: transactions, the pool

    @classmethod
    def open(cls, layout: DataLayout) -> Stores:
        """Open every store file of ``layout``."""
        activity = ShardedTable(layout.activity, "activity")
        snapshots = ShardedTable(layout.snapshot_records, "snapshots")
        # a data folder from before these were split per room
        activity.migrate_from(layout.db / "activity.json", "room_id")
        snapshots.migrate_from(layout.db / "snapshots.json", "room_id")
        return cls(
            users=Database(layout.db / "users.json"),
            rooms=Database(layout.db / "rooms.json"),
            activity=activity,
            audit=AppendLog(layout.audit),
            snapshots=snapshots,
            tasks=Database(layout.tasks / "tasks.json"),
            cache_index=Database(layout.pdf_cache / "index.json"),
            checklists=Database(layout.db / "checklists.json"),
        )

    @classmethod
    def on_postgres(cls, database_url: str) -> Stores:
        """Every store in the PostgreSQL database ``database_url`` (psycopg is imported here, and only here).

        :raises StoreSetupError: it cannot be used (one line naming the server and what failed).
        """
        try:
            from .postgres import PgBackend
        except ImportError as exc:  # the packaged binary leaves the distributed mode out (build.spec)
            raise StoreSetupError(f"STS_DATABASE_URL is set, but this installation has no PostgreSQL driver "
                                  f"({exc.name}): install sts-snapshots[distributed] with pip") from None
        pg = PgBackend(database_url)
        return cls(users=pg.database("users"), rooms=pg.database("rooms"), activity=pg.sharded("activity"),
                   audit=pg.append_log("audit"), snapshots=pg.sharded("snapshots"), tasks=pg.database("tasks"),
                   cache_index=pg.database("cache_index"), checklists=pg.database("checklists"), backend=pg)

    def transaction(self) -> AbstractContextManager[Any]:
        """One transaction for everything inside (PostgreSQL; a no-op on TinyDB): see :mod:`.transaction`."""
        return self.backend.transaction()

    def all(self) -> list[Database]:
        """The single-file stores (the per-room files are in ``activity``, ``audit`` and ``snapshots``)."""
        return [value for f in fields(self) if isinstance(value := getattr(self, f.name), Database)]

    def close(self) -> None:
        for database in self.all():
            database.close()
        self.activity.close()
        self.snapshots.close()
        self.backend.close()


def open_stores(settings: Settings, layout: DataLayout) -> Stores:
    """The stores ``settings`` choose: PostgreSQL when ``database_url`` is set, else the TinyDB files of ``layout``."""
    return Stores.on_postgres(settings.database_url) if settings.database_url else Stores.open(layout)
