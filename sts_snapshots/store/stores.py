"""The app's store files, opened together from the data folder's layout."""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..datadir import DataLayout
from .appendlog import AppendLog
from .database import Database
from .sharded import ShardedTable


@dataclass
class Stores:
    users: Database
    rooms: Database
    activity: ShardedTable
    audit: AppendLog
    snapshots: ShardedTable
    tasks: Database
    cache_index: Database
    checklists: Database

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

    def all(self) -> list[Database]:
        """The single-file stores (the per-room files are in ``activity``, ``audit`` and ``snapshots``)."""
        return [value for f in fields(self) if isinstance(value := getattr(self, f.name), Database)]

    def close(self) -> None:
        for database in self.all():
            database.close()
        self.activity.close()
        self.snapshots.close()
