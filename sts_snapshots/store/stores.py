"""The app's stores, opened together: TinyDB files from the data folder's layout, or every one in PostgreSQL."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field, fields
from functools import partial
from typing import Any

from ..datadir import DataLayout
from ..settings import Settings
from .appendlog import AppendLog
from .database import Database
from .interface import (
    AppendLogLike,
    DatabaseLike,
    ShardedDatabaseLike,
    ShardedTableLike,
    StoreBackend,
    StoreSetupError,
)
from .sharded import ShardedTable
from .shards import KeyOf, ShardedDatabase, by_field
from .transaction import EmbeddedBackend

# The tables of a room's file, and the field that names the room; the same for its checklists' file.
ROOM_TABLES = {"rooms": "id", "vessels": "room_id", "parties": "room_id", "documents": "room_id",
               "approvals": "room_id"}
ROOM_CHECKLIST_TABLES = {"room_sets": "id", "checklists": "room_id"}


@dataclass
class Stores:
    users: DatabaseLike
    rooms: ShardedDatabaseLike  # per room: the tables of ROOM_TABLES
    activity: ShardedTableLike
    audit: AppendLogLike
    snapshots: ShardedTableLike
    tasks: ShardedTableLike  # per hashed task id (store.hashed_key)
    cache_index: DatabaseLike
    checklists: DatabaseLike  # the installed template sets
    room_checklists: ShardedDatabaseLike  # per room: the tables of ROOM_CHECKLIST_TABLES
    backend: StoreBackend = field(default_factory=EmbeddedBackend)  # what they share: transactions, the pool

    @classmethod
    def open(cls, layout: DataLayout) -> Stores:
        """Open every store file of ``layout``, moving a folder of an earlier layout's single files into shards."""
        activity = ShardedTable(layout.activity, "activity")
        snapshots = ShardedTable(layout.snapshot_records, "snapshots")
        rooms = ShardedDatabase(layout.room_records)
        room_checklists = ShardedDatabase(layout.checklist_records)
        tasks = ShardedTable(layout.task_records, "tasks")
        # a data folder from before these were split (each is moved once; the old file stays as .migrated)
        activity.migrate_from(layout.db / "activity.json", "room_id")
        snapshots.migrate_from(layout.db / "snapshots.json", "room_id")
        rooms.migrate_from(layout.db / "rooms.json", by_field(ROOM_TABLES))
        tasks.migrate_hashed(layout.tasks / "tasks.json")
        checklists = Database(layout.db / "checklists.json")
        move_room_checklists(checklists, room_checklists)
        for sharded in (rooms, room_checklists, tasks):  # as the single files were read at start (~0.2 s per 1,000)
            sharded.check()
        return cls(
            users=Database(layout.db / "users.json"),
            rooms=rooms,
            activity=activity,
            audit=AppendLog(layout.audit),
            snapshots=snapshots,
            tasks=tasks,
            cache_index=Database(layout.pdf_cache / "index.json"),
            checklists=checklists,
            room_checklists=room_checklists,
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
        return cls(users=pg.database("users"), rooms=pg.sharded_database("rooms"), activity=pg.sharded("activity"),
                   audit=pg.append_log("audit"), snapshots=pg.sharded("snapshots"), tasks=pg.sharded("tasks"),
                   cache_index=pg.database("cache_index"), checklists=pg.database("checklists"),
                   room_checklists=pg.sharded_database("room_checklists"), backend=pg)

    def transaction(self) -> AbstractContextManager[Any]:
        """One transaction for everything inside (PostgreSQL; a no-op on TinyDB): see :mod:`.transaction`."""
        return self.backend.transaction()

    def all(self) -> list[Database]:
        """The single-file stores (the per-room and per-id files are in the sharded stores)."""
        return [value for f in fields(self) if isinstance(value := getattr(self, f.name), Database)]

    def close(self) -> None:
        for database in self.all():
            database.close()
        for sharded in (self.rooms, self.activity, self.snapshots, self.tasks, self.room_checklists):
            sharded.close()
        self.backend.close()


def move_room_checklists(checklists: Database, room_checklists: ShardedDatabase) -> int:
    """Move the room sets and room checklists an earlier ``db/checklists.json`` held into their rooms' files; the
    template sets stay. Safe to run again after an interruption (a record in its room's file is not copied twice;
    the old tables keep only what has no room). Returns how many records were moved."""
    if checklists.path is None or not checklists.path.exists():
        return 0
    names = checklists.table_names() & set(ROOM_CHECKLIST_TABLES)
    if not any(checklists.table(name).count() for name in names):
        return 0
    key_of = by_field(ROOM_CHECKLIST_TABLES)
    moved = 0
    with checklists.locked():
        for name in sorted(names):
            by_room: dict[str, list[dict[str, Any]]] = {}
            for record in checklists.table(name).all():
                by_room.setdefault(key_of(name, record), []).append(record)
            for room_id, group in by_room.items():
                try:
                    database = room_checklists.database(room_id)
                except ValueError:
                    continue  # not a room id: left where it is
                table = database.table(name)
                with database.batch():
                    present = {r["id"] for r in table.all()}
                    table.insert_many([r for r in group if r["id"] not in present])
                moved += len(group)
            checklists.table(name).remove_where(partial(_moved, room_checklists, key_of, name))
    return moved


def _moved(shards: ShardedDatabase, key_of: KeyOf, table: str, record: dict[str, Any]) -> bool:
    return shards.has(key_of(table, record))


def open_stores(settings: Settings, layout: DataLayout) -> Stores:
    """The stores ``settings`` choose: PostgreSQL when ``database_url`` is set, else the TinyDB files of ``layout``."""
    return Stores.on_postgres(settings.database_url) if settings.database_url else Stores.open(layout)
