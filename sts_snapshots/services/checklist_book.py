"""The checklist service's own tables: installed template sets (versioned), each room's set, its checklists."""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from ..domain.checklist_format import ChecklistSet, TemplateError, parse_set, upgraded_set
from ..domain.checklists import ChecklistRecord, has_entries, latest_rounds, round_title, state_of, upgraded
from ..domain.records import VesselRecord
from ..domain.time import now_iso
from ..store import DatabaseLike, ShardedDatabaseLike, TableLike
from .errors import Conflict, Invalid


class SetSummary(TypedDict):
    """An installed template set: ``key`` is ``<id>@<version>``."""

    key: str
    set_id: str
    version: int
    title: str
    sample: bool
    notice: str
    checklists: int
    items: int
    installed_by: str
    installed_at: str


class _SetRow(TypedDict):
    id: str  # <set id>@<version>
    set_id: str
    version: int
    document: ChecklistSet
    installed_by: str
    installed_at: str


class _RoomSetRow(TypedDict):
    id: str  # the room's id
    set_id: str
    version: int
    attached_by: str
    attached_at: str


def pairs_of(vessels: list[VesselRecord]) -> list[tuple[VesselRecord, VesselRecord]]:
    """The transfer pairs of a room: its (first) mother vessel with each daughter vessel, daughters by name."""
    mothers = [v for v in vessels if v["role"] == "mother"]
    daughters = sorted((v for v in vessels if v["role"] == "daughter"), key=lambda v: v["name"])
    return [(mothers[0], d) for d in daughters] if mothers else []


def _summary(row: _SetRow) -> SetSummary:
    doc = row["document"]
    return SetSummary(key=row["id"], set_id=row["set_id"], version=row["version"], title=doc["title"],
                      sample=doc["sample"], notice=doc["notice"], checklists=len(doc["checklists"]),
                      items=sum(len(c["items"]) for c in doc["checklists"]), installed_by=row["installed_by"],
                      installed_at=row["installed_at"])


class ChecklistBook:
    """Template sets in ``db``, each room's set and checklists in its own shard of ``rooms`` (a write costs one
    room's checklists, whatever the number of rooms); new rooms get the newest version of ``default_set_id``."""

    def __init__(self, db: DatabaseLike, rooms: ShardedDatabaseLike, default_set_id: str) -> None:
        self._db = db
        self._sets: TableLike[_SetRow] = db.table("template_sets")
        self._rooms = rooms
        self.default_set_id = default_set_id

    def _room_db(self, room_id: str) -> DatabaseLike | None:
        """The room's shard, or None for an id no room can have."""
        try:
            return self._rooms.database(room_id)
        except ValueError:
            return None

    def _room_sets(self, room_id: str) -> TableLike[_RoomSetRow] | None:
        db = self._room_db(room_id)
        return db.table("room_sets") if db is not None and self._rooms.has(room_id) else None

    def checklists_of(self, room_id: str) -> TableLike[ChecklistRecord]:
        """The room's checklist table (every round of each), to write to.

        :raises ValueError: ``room_id`` is not a plain id.
        """
        return self._rooms.database(room_id).table("checklists")

    def install(self, text: str, actor: str, *, if_missing: bool = False) -> SetSummary:
        """Install the set in ``text`` (JSON).

        :raises Invalid: the set breaks the format (the message names where).
        :raises Conflict: this id and version is installed already with other content (a changed set needs a
            new version; an identical one is answered as installed).
        """
        try:
            document = parse_set(text)
        except TemplateError as exc:
            raise Invalid(str(exc)) from None
        key = f"{document['id']}@{document['version']}"
        with self._db.locked():
            existing = self._sets.get(key)
            if existing is not None:
                if upgraded_set(existing["document"]) == document or if_missing:
                    return _summary(existing)
                raise Conflict(f"{key} is installed already with other content: give the changed set a new version")
            row = _SetRow(id=key, set_id=document["id"], version=document["version"], document=document,
                          installed_by=actor, installed_at=now_iso())
            self._sets.insert(row)
        return _summary(row)

    def installed(self) -> list[SetSummary]:
        rows = sorted(self._sets.all(), key=lambda r: (r["set_id"], -r["version"]))
        return [_summary(r) for r in rows]

    def document(self, set_id: str, version: int | None = None) -> ChecklistSet | None:
        """The set ``set_id`` at ``version`` (default: its newest), or None."""
        rows = [r for r in self._sets.find(set_id=set_id) if version is None or r["version"] == version]
        return upgraded_set(max(rows, key=lambda r: r["version"])["document"]) if rows else None

    def room_set(self, room_id: str) -> ChecklistSet | None:
        """The set the room's checklists come from: its own, or (not yet attached) the default's newest."""
        table = self._room_sets(room_id)
        row = table.get(room_id) if table is not None else None
        return self.document(row["set_id"], row["version"]) if row else self.document(self.default_set_id)

    def attach(self, room_id: str, document: ChecklistSet, actor: str) -> None:
        row = _RoomSetRow(id=room_id, set_id=document["id"], version=document["version"], attached_by=actor,
                          attached_at=now_iso())
        self._rooms.database(room_id).table("room_sets").upsert(row)

    def is_attached(self, room_id: str) -> bool:
        table = self._room_sets(room_id)
        return table is not None and table.get(room_id) is not None

    def of_room(self, room_id: str) -> list[ChecklistRecord]:
        """The room's checklists, every round of each, by daughter vessel, order in the set and round."""
        db = self._room_db(room_id)
        found = db.table("checklists").all() if db is not None and self._rooms.has(room_id) else []
        return sorted(map(upgraded, found),
                      key=lambda c: (c["daughter_id"], c["position"], c["round"]))

    def get(self, checklist_id: str, room_id: str | None = None) -> ChecklistRecord | None:
        """One round of a checklist, by its id: in ``room_id``'s checklists (without it, every room's)."""
        rooms = [room_id] if room_id is not None else self._rooms.keys()
        for key in rooms:
            db = self._room_db(key)
            found = db.table("checklists").get(checklist_id) if db is not None and self._rooms.has(key) else None
            if found:
                return upgraded(found)
        return None

    def release_vessel(self, room_id: str, vessel: VesselRecord, change: str = "be removed") -> int:
        """Before ``vessel`` leaves the room (or its role changes, which makes other pairs, ``change`` saying so): its
        transfer pairs' checklists go with it while nobody has entered
        anything in them (returns how many rounds went); refused while any holds an answer, a remark or a sign-off,
        which are part of the clearance record and must not vanish with the vessel.

        :raises Conflict: naming the checklists that hold entries.
        """
        table = self.checklists_of(room_id)
        with table.locked():
            own = [c for c in self.of_room(room_id) if vessel["id"] in (c["mother_id"], c["daughter_id"])]
            kept = [c for c in own if has_entries(c)]
            if kept:
                names = ", ".join(dict.fromkeys(round_title(c) for c in kept))
                raise Conflict(f"{vessel['name']}'s checklists hold answers or sign-offs ({names}): they are part of "
                               f"the clearance record, so the vessel cannot {change}")
            ids = {c["id"] for c in own}
            return table.remove_where(lambda c: c["id"] in ids)

    def save(self, checklist: ChecklistRecord, changes: dict[str, Any]) -> ChecklistRecord:
        saved = self.checklists_of(checklist["room_id"]).update(checklist["id"], changes)
        return upgraded(saved) if saved else checklist

    # -- a room brought whole from a room pack (sts_snapshots.packs) ------------------------------------
    def import_room(self, room_id: str, document: ChecklistSet | None, checklists: list[ChecklistRecord],
                    actor: str) -> None:
        """Give a room new to this installation the checklists a room pack brought, as they are, and attach the set
        they come from (installed as it is stored there, if this installation lacks it). What a killed import of the
        same room left is replaced."""
        with self._db.locked():
            key = f"{document['id']}@{document['version']}" if document is not None else ""
            if document is not None and self._sets.get(key) is None:
                self._sets.insert(_SetRow(id=key, set_id=document["id"], version=document["version"],
                                          document=document, installed_by=actor, installed_at=now_iso()))
        table = self.checklists_of(room_id)
        with table.locked():
            table.remove_where(lambda c: c["room_id"] == room_id)
            if checklists:
                table.insert_many(checklists)
        if document is not None:
            self.attach(room_id, document, actor)

    def put_checklists(self, room_id: str, checklists: list[ChecklistRecord]) -> None:
        """Store the checklists a merge of a room pack changed or added, each replaced whole in one step."""
        table = self.checklists_of(room_id)
        with table.locked():
            for checklist in checklists:
                if checklist["room_id"] == room_id:
                    table.upsert(checklist)

    def remove_checklists(self, room_id: str, ids: list[str]) -> int:
        """Remove the checklists a merge of a room pack removed (those of a vessel it removed); how many went."""
        wanted = set(ids)
        if not wanted:
            return 0
        table = self.checklists_of(room_id)
        with table.locked():
            return table.remove_where(lambda c: c["id"] in wanted and c["room_id"] == room_id)
    # -- end of room packs ----------------------------------------------------------------------------------

    def gate(self, room_id: str, vessels: list[VesselRecord]) -> tuple[int, int]:
        """(checklists to sign off before transfer, of them signed off), over every transfer pair of the room."""
        document = self.room_set(room_id)
        pairs = pairs_of(vessels)
        if document is None or not pairs:
            return 0, 0
        required = sum(c["before_transfer"] for c in document["checklists"]) * len(pairs)
        current = {(m["id"], d["id"]) for m, d in pairs}
        # a repeated checklist counts as signed off when its latest round is
        signed = sum(1 for c in latest_rounds(self.of_room(room_id)).values()
                     if c["before_transfer"] and (c["mother_id"], c["daughter_id"]) in current
                     and state_of(c) == "signed_off")
        return required, signed
