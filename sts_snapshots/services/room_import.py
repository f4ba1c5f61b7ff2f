"""A room's records brought in from a room pack: a room new here inserted whole, or a merge's records stored.

The room service's part for :mod:`sts_snapshots.packs`, in the same store (one file, shard, per room); the room
service reaches it as ``rooms.imports``.
"""

from __future__ import annotations

from typing import Any

from ..domain.records import RoomRecord
from ..domain.room_bundle import RoomBundle
from ..store import DatabaseLike, ShardedDatabaseLike, TableLike
from .activity_chain import ActivityChain
from .errors import Conflict, NotFound

RECORD_TABLES = ("vessels", "parties", "documents", "approvals")


def room_database(shards: ShardedDatabaseLike, room_id: str) -> DatabaseLike:
    """The room's tables (its shard). :raises NotFound: ``room_id`` is not a plain id (so no room has it)."""
    try:
        return shards.database(room_id)
    except ValueError:
        raise NotFound("room not found") from None


def room_record(shards: ShardedDatabaseLike, room_id: str) -> RoomRecord | None:
    """The stored room record, or None (also for an id no room can have: nothing is opened for it)."""
    return room_database(shards, room_id).table("rooms").get(room_id) if shards.has(room_id) else None


class RoomImport:
    def __init__(self, rooms_db: ShardedDatabaseLike, chain: ActivityChain) -> None:
        self._shards = rooms_db
        self._chain = chain

    def _db(self, room_id: str) -> DatabaseLike:
        return room_database(self._shards, room_id)

    def _rooms(self, room_id: str) -> TableLike[RoomRecord]:
        return self._db(room_id).table("rooms")

    def _record(self, room_id: str) -> RoomRecord | None:
        return room_record(self._shards, room_id)

    def check_import(self, bundle: RoomBundle) -> None:
        """Whether :meth:`import_room` would take ``bundle``; :raises Conflict: saying why not."""
        if self._record(bundle.room_id) is not None:
            raise Conflict("this installation has this room already: its pack is merged into it instead")
        self.check_ids(bundle)

    def check_ids(self, bundle: RoomBundle) -> None:
        """:raises Conflict: a record id of ``bundle`` is held in the room's file by a record of another room.

        Each room's records are in a file of their own, so a record of another room cannot be overwritten; what is
        checked is the room's own file (the ids of a pack of another room that claims this room's id)."""
        room_id = bundle.room_id
        if not self._shards.has(room_id):
            return
        db = self._db(room_id)
        for name, ids in bundle.record_ids().items():
            table: TableLike[Any] = db.table(name)
            for record_id in ids:
                found = table.get(record_id)
                if found is not None and found["room_id"] != room_id:
                    raise Conflict(f"the pack's {name} record {record_id} belongs to another room here")

    def import_room(self, bundle: RoomBundle) -> None:
        """Insert a room new to this installation exactly as ``bundle`` holds it: same ids, same activity chains.

        Only a room new here: a pack of a room this installation has is merged (``sts_snapshots.packs.merge``,
        through :meth:`put_records`), so that is a Conflict here. Records of the room's id that an import killed
        half way left behind are replaced; the room record itself goes in last, in one write, so until then the
        room does not exist.

        :raises Conflict: see :meth:`check_import`.
        """
        room_id = bundle.room_id
        db = self._db(room_id)
        with db.locked():
            self.check_import(bundle)
            self._chain.adopt(room_id, bundle.changes, bundle.reads)
            for name, rows in (("vessels", bundle.vessels), ("parties", bundle.parties),
                               ("documents", bundle.documents), ("approvals", bundle.approvals)):
                table: TableLike[Any] = db.table(name)
                table.remove_where(lambda r: r["room_id"] == room_id)
                if rows:
                    table.insert_many(list(rows))  # type: ignore[arg-type]
            self._rooms(room_id).insert(bundle.room)

    def put_records(self, room_id: str, changed: dict[str, list[dict[str, Any]]]) -> None:
        """Store the records a merge of a room pack changed or added (``changed`` by table: ``room`` and the
        room's ``vessels``, ``parties``, ``documents``, ``approvals``), each replaced whole in one step; the room
        record last."""
        db = self._db(room_id)
        with db.locked():
            for name in RECORD_TABLES:
                table: TableLike[Any] = db.table(name)
                for record in changed.get(name, []):
                    if record["room_id"] == room_id:
                        table.upsert(record)
            for record in changed.get("room", []):
                if record["id"] == room_id:
                    self._rooms(room_id).upsert(record)  # type: ignore[arg-type]

    def remove_records(self, room_id: str, removed: dict[str, list[str]]) -> int:
        """Remove the records a merge of a room pack removed (``removed``: ids by table, of the room's ``vessels``,
        ``parties``, ``documents``, ``approvals``); how many went."""
        db = self._db(room_id)
        count = 0
        with db.locked():
            for name in RECORD_TABLES:
                ids = set(removed.get(name, []))
                if ids:
                    table: TableLike[Any] = db.table(name)
                    count += table.remove_where(_among(ids, room_id))
        return count


def _among(ids: set[str], room_id: str) -> Any:
    def holds(record: dict[str, Any]) -> bool:
        return record["id"] in ids and record["room_id"] == room_id
    return holds
