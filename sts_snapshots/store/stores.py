"""The app's TinyDB files, opened together (on disk, or in memory for fast tests)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from ..paths import DataLayout
from .database import Database
from .sharded import ShardedTable


@dataclass
class Stores:
    users: Database
    rooms: Database
    activity: ShardedTable
    snapshots: ShardedTable
    tasks: Database
    cache_index: Database

    @classmethod
    def open(cls, layout: DataLayout | None) -> Stores:
        """Open every store file of ``layout``; ``None`` gives in-memory stores."""

        def db(path: Path) -> Database:
            return Database(path if layout is not None else None)

        def per_room(folder: Path, name: str) -> ShardedTable:
            return ShardedTable(folder if layout is not None else None, name)

        root = layout or DataLayout(Path("/nonexistent"))
        activity = per_room(root.activity, "activity")
        snapshots = per_room(root.snapshot_records, "snapshots")
        if layout is not None:  # a data folder from before these were split per room
            activity.migrate_from(root.db / "activity.json", "room_id")
            snapshots.migrate_from(root.db / "snapshots.json", "room_id")
        return cls(
            users=db(root.db / "users.json"),
            rooms=db(root.db / "rooms.json"),
            activity=activity,
            snapshots=snapshots,
            tasks=db(root.tasks / "tasks.json"),
            cache_index=db(root.pdf_cache / "index.json"),
        )

    def all(self) -> list[Database]:
        """The single-file stores (the per-room files are in ``activity`` and ``snapshots``)."""
        return [value for f in fields(self) if isinstance(value := getattr(self, f.name), Database)]

    def close(self) -> None:
        for database in self.all():
            database.close()
        self.activity.close()
        self.snapshots.close()
