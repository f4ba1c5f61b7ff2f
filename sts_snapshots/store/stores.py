"""The app's TinyDB files, opened together (on disk, or in memory for fast tests)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from ..paths import DataLayout
from .database import Database


@dataclass
class Stores:
    users: Database
    rooms: Database
    activity: Database
    snapshots: Database
    tasks: Database
    cache_index: Database

    @classmethod
    def open(cls, layout: DataLayout | None) -> Stores:
        """Open every store file of ``layout``; ``None`` gives in-memory stores."""

        def db(path: Path) -> Database:
            return Database(path if layout is not None else None)

        root = layout or DataLayout(Path("/nonexistent"))
        return cls(
            users=db(root.db / "users.json"),
            rooms=db(root.db / "rooms.json"),
            activity=db(root.db / "activity.json"),
            snapshots=db(root.db / "snapshots.json"),
            tasks=db(root.tasks / "tasks.json"),
            cache_index=db(root.pdf_cache / "index.json"),
        )

    def all(self) -> list[Database]:
        return [getattr(self, f.name) for f in fields(self)]

    def close(self) -> None:
        for database in self.all():
            database.close()
