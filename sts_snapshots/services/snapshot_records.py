"""Snapshot records, one TinyDB file per room (``db/snapshots/<room_id>.json``).

Every snapshot ever made is kept, so one file for all of them would make each create and each completion
rewrite the whole history. Per room, a write costs one operation's snapshots. Most calls know the room;
for the rest (a job, a task page, recovery) an index from snapshot id to room is kept in memory, built
from the files on first use. Embedded, only the server process writes snapshot records, so the index is
complete; in the distributed mode (``shared``) other nodes add snapshots, so an id the index lacks is looked up
in the store (one query) before it counts as absent.
"""

from __future__ import annotations

import threading
from typing import Any

from ..domain.records import SnapshotRecord
from ..store import ShardedTableLike, TableLike


class SnapshotRecords:
    def __init__(self, shards: ShardedTableLike, *, shared: bool = False) -> None:
        self._shards = shards
        self._shared = shared
        self._room_of: dict[str, str] | None = None
        self._lock = threading.Lock()

    def _shard(self, room_id: str) -> TableLike[SnapshotRecord]:
        return self._shards.shard(room_id)

    def _index(self) -> dict[str, str]:
        with self._lock:
            if self._room_of is None:
                self._room_of = {record["id"]: room for room in self._shards.keys()
                                 for record in self._shard(room).all()}
            return self._room_of

    def _room(self, snapshot_id: str) -> str | None:
        index = self._index()
        room = index.get(snapshot_id)
        if room is None and self._shared:
            room = self._shards.key_of(snapshot_id)  # made by another node since the index was built
            if room is not None:
                with self._lock:
                    index[snapshot_id] = room
        return room

    def insert(self, record: SnapshotRecord) -> SnapshotRecord:
        index = self._index()
        stored = self._shard(record["room_id"]).insert(record)
        with self._lock:
            index[record["id"]] = record["room_id"]
        return stored

    def get(self, snapshot_id: str) -> SnapshotRecord | None:
        room = self._room(snapshot_id)
        return self._shard(room).get(snapshot_id) if room is not None else None

    def update(self, snapshot_id: str, changes: dict[str, Any]) -> SnapshotRecord | None:
        room = self._room(snapshot_id)
        return self._shard(room).update(snapshot_id, changes) if room is not None else None

    def remove(self, snapshot_id: str) -> bool:
        index = self._index()
        room = self._room(snapshot_id)
        if room is None:
            return False
        removed = self._shard(room).remove(snapshot_id)
        with self._lock:
            index.pop(snapshot_id, None)
        return removed

    def of_room(self, room_id: str) -> list[SnapshotRecord]:
        return self._shard(room_id).all()

    # -- a room brought whole from a room pack (sts_snapshots.packs) ------------------------------------
    def import_room(self, room_id: str, records: list[SnapshotRecord]) -> None:
        """Give a room new to this installation the snapshot records a room pack brought (their PDFs are written
        first), in place of what a killed import of the same room left."""
        self._shards.drop(room_id)
        if records:
            self._shard(room_id).insert_many(records)
        index = self._index()
        with self._lock:
            for stale in [k for k, room in index.items() if room == room_id]:
                index.pop(stale)
            index.update({r["id"]: room_id for r in records})
    # -- end of room packs ----------------------------------------------------------------------------------

    def with_status(self, status: str) -> list[SnapshotRecord]:
        return [r for room in self._shards.keys() for r in self._shard(room).find(status=status)]
