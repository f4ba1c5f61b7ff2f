"""Per room, what this installation last saw of each mergeable field, and the merge conflicts still open.

Its own two tables in each room's file of the rooms store: ``sync_fields`` (one record per room: every field's
last seen value and version vector, :mod:`..domain.sync_fields`) and ``merge_conflicts`` (one record per
conflict: both values, both origins, until an admin keeps one).

Besides the fields, each vessel, party, document and approval has a *presence* state, ``present:<table>:<id>``,
whose value is ``{"present": true}`` while the record is here. When a catch-up finds the record gone it becomes a
tombstone, ``{"present": false}``, whose vector is one up on everything this installation had seen of the record
(its presence and every field): a merge removes the record on the other side when that vector covers all the other
side knows of it, and opens a conflict when the other side changed it meanwhile.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from ..domain.ids import new_id
from ..domain.sync_fields import (
    UNIQUE_ATTRS,
    FieldState,
    Records,
    VersionVector,
    bumped,
    describe,
    held_twice,
    is_duplicate,
    merged,
    slots_of,
)
from ..domain.time import now_iso
from ..store import DatabaseLike, ShardedDatabaseLike, TableLike

# a table whose records' removals travel -> the prefix of its records' field keys
PRESENCE_TABLES = {"vessels": "vessel", "parties": "party", "documents": "document", "approvals": "approval"}
# a child table -> (its parent table, the attribute naming its parent): a child goes with its parent
PARENTS = {"documents": ("vessels", "vessel_id"), "approvals": ("parties", "party_id")}


def presence_key(table: str, record_id: str) -> str:
    """The key of a record's presence state.

    >>> presence_key("vessels", "v1")
    'present:vessels:v1'
    """
    return f"present:{table}:{record_id}"


def is_presence(key: str) -> bool:
    """Whether ``key`` is a presence state's (else a field's).

    >>> is_presence("present:vessels:v1"), is_presence("vessel:v1:name")
    (True, False)
    """
    return key.startswith("present:")


def record_vector(states: dict[str, FieldState], table: str, record_id: str) -> VersionVector:
    """Everything ``states`` has seen of one record: its presence's and its fields' vectors merged.

    >>> record_vector({"vessel:v1:name": {"value": {}, "vv": {"A": 2}}, "present:vessels:v1":
    ...                {"value": {"present": True}, "vv": {"B": 1}}, "vessel:v2:name": {"value": {}, "vv": {"C": 9}}},
    ...               "vessels", "v1")
    {'A': 2, 'B': 1}
    """
    prefix = f"{PRESENCE_TABLES[table]}:{record_id}"
    found: VersionVector = {}
    for key, state in states.items():
        if key == prefix or key.startswith(prefix + ":") or key == presence_key(table, record_id):
            found = merged(found, state["vv"])
    return found


def present(state: FieldState | None) -> bool | None:
    """What a presence state says: True (here), False (a tombstone), None (no state)."""
    return None if state is None else bool(state["value"].get("present"))


class _FieldsRow(TypedDict):
    id: str  # the room's id
    fields: dict[str, FieldState]


class ConflictRecord(TypedDict):
    id: str
    room_id: str
    key: str  # the field's key, e.g. document:<id>:status
    label: str  # what a person calls the field
    local: dict[str, Any]  # this installation's value (in force until resolved), with what it carries
    remote: dict[str, Any]  # the other installation's value, with what it carries
    local_origin: str
    remote_origin: str
    local_vv: VersionVector
    remote_vv: VersionVector
    rule: str  # empty for two values; else the checklist rule the merged state breaks
    opened_at: str
    status: str  # open | resolved | settled (the other side's resolution came in a pack)
    resolved_by: str | None
    resolved_at: str | None
    kept: str | None  # local | remote


class ConflictView(TypedDict):
    """An open conflict as the API answers it and the room page shows it: the values also in words."""

    id: str
    key: str
    label: str
    local: dict[str, Any]
    remote: dict[str, Any]
    local_text: str
    remote_text: str
    local_origin: str
    remote_origin: str
    rule: str
    opened_at: str


def conflict_view(c: ConflictRecord) -> ConflictView:
    return ConflictView(id=c["id"], key=c["key"], label=c["label"], local=c["local"], remote=c["remote"],
                        local_text=describe(c["local"]), remote_text=describe(c["remote"]),
                        local_origin=c["local_origin"], remote_origin=c["remote_origin"], rule=c["rule"],
                        opened_at=c["opened_at"])


class SyncState:
    def __init__(self, rooms: ShardedDatabaseLike) -> None:
        self._rooms = rooms  # one file per room: the room's states and conflicts beside its records

    def _db(self, room_id: str) -> DatabaseLike:
        return self._rooms.database(room_id)

    def _fields(self, room_id: str) -> TableLike[_FieldsRow]:
        return self._db(room_id).table("sync_fields")

    def _conflicts(self, room_id: str) -> TableLike[ConflictRecord]:
        return self._db(room_id).table("merge_conflicts")

    def fields(self, room_id: str) -> dict[str, FieldState]:
        row = self._fields(room_id).get(room_id)
        return dict(row["fields"]) if row else {}

    def store(self, room_id: str, fields: dict[str, FieldState]) -> None:
        self._fields(room_id).upsert(_FieldsRow(id=room_id, fields=fields))

    def catch_up(self, room_id: str, origin: str, records: Records) -> dict[str, FieldState]:
        """Bump ``origin``'s counter of every field whose value in ``records`` differs from the one last seen (a
        field seen for the first time starts at 1), store and return the states."""
        with self._db(room_id).locked():
            states = self.fields(room_id)
            changed = False
            for key, slot in slots_of(records).items():
                value = slot.read(records)
                if value is None:
                    continue
                known = states.get(key)
                if known is None or known["value"] != value:
                    states[key] = FieldState(value=value, vv=bumped(known["vv"] if known else {}, origin))
                    changed = True
            changed = self._catch_up_presence(room_id, origin, records, states) or changed
            if changed or self._fields(room_id).get(room_id) is None:
                self.store(room_id, states)
            return states

    def _catch_up_presence(self, room_id: str, origin: str, records: Records, states: dict[str, FieldState]) -> bool:
        """Presence states: a record here and not known present starts (or comes back) with ``origin``'s counter up;
        one known present and gone becomes a tombstone. A record whose presence is in an open conflict is left as
        the merge put it until a person chooses. True when a state changed."""
        held = {c["key"] for c in self.conflicts(room_id)}
        changed = False
        for table in PRESENCE_TABLES:
            here = records.get(table, {})
            parent = PARENTS.get(table)
            for record_id, record in here.items():
                key = presence_key(table, record_id)
                known = states.get(key)
                if parent is not None and presence_key(parent[0], str(record.get(parent[1]))) in held:
                    continue  # kept with its parent, whose removal is in an open conflict
                if key not in held and not present(known):
                    states[key] = FieldState(value={"present": True}, vv=bumped(known["vv"] if known else {}, origin))
                    changed = True
            start = presence_key(table, "")
            for key in [k for k, v in states.items() if k.startswith(start) and present(v) and k not in held]:
                record_id = key[len(start):]
                if record_id not in here:
                    states[key] = FieldState(value={"present": False},
                                             vv=bumped(record_vector(states, table, record_id), origin))
                    changed = True
        return changed

    # -- conflicts ---------------------------------------------------------------------------------
    def conflicts(self, room_id: str, *, open_only: bool = True) -> list[ConflictRecord]:
        found = self._conflicts(room_id).find(room_id=room_id) if self._rooms.has(room_id) else []
        found = self._settle_duplicates(room_id, found)
        return sorted((c for c in found if c["status"] == "open" or not open_only), key=lambda c: c["opened_at"])

    def _settle_duplicates(self, room_id: str, found: list[ConflictRecord]) -> list[ConflictRecord]:
        """Close the open conflicts of duplicate pairs that the room no longer holds twice (one of the two records
        was corrected or removed here since, e.g. a mistyped IMO number put right): the room page and a snapshot's
        cover then no longer show them. Returns ``found`` as it is now."""
        pairs = [c for c in found if c["status"] == "open" and is_duplicate(c["key"])]
        if not pairs:
            return found
        database = self._db(room_id)
        with database.locked():
            records = {table: {r["id"]: r for r in database.table(table).all()} for table in UNIQUE_ATTRS}
            twice = held_twice(records)
            gone = {c["id"] for c in pairs if c["key"] not in twice}
            for conflict_id in gone:
                self.close(room_id, conflict_id, "settled", "this installation (the two records differ now)", None)
        if not gone:
            return found
        return [c for c in found if c["id"] not in gone] + [
            c for c in self._conflicts(room_id).find(room_id=room_id) if c["id"] in gone]

    def conflict(self, room_id: str, conflict_id: str) -> ConflictRecord | None:
        found = self._conflicts(room_id).get(conflict_id) if self._rooms.has(room_id) else None
        return found if found is not None and found["room_id"] == room_id else None

    def open_conflict(self, room_id: str, key: str, label: str, local: dict[str, Any], remote: dict[str, Any],
                      origins: tuple[str, str], vvs: tuple[VersionVector, VersionVector], rule: str = "") -> bool:
        """Record a conflict, unless the same one (field, both values) is open already, or, for a broken checklist
        rule, was decided already for these same sign-offs; True when recorded."""
        for c in self._conflicts(room_id).find(room_id=room_id, key=key):
            decided = bool(rule) and c["rule"] == rule
            if c["local"] == local and c["remote"] == remote and (c["status"] == "open" or decided):
                return False
        self._conflicts(room_id).insert(ConflictRecord(
            id=new_id(), room_id=room_id, key=key, label=label, local=local, remote=remote, local_origin=origins[0],
            remote_origin=origins[1], local_vv=vvs[0], remote_vv=vvs[1], rule=rule, opened_at=now_iso(),
            status="open", resolved_by=None, resolved_at=None, kept=None))
        return True

    def close(self, room_id: str, conflict_id: str, status: str, by: str, kept: str | None) -> None:
        self._conflicts(room_id).update(conflict_id, {"status": status, "resolved_by": by, "resolved_at": now_iso(),
                                             "kept": kept})

    def close_open(self, room_id: str, key: str, by: str) -> int:
        """Close the open conflicts of ``key`` that a value from the other side settled; how many."""
        found = self._conflicts(room_id).find(room_id=room_id, key=key, status="open")
        for c in found:
            self.close(room_id, c["id"], "settled", by, None)
        return len(found)

    def open_lines(self, room_id: str) -> list[str]:
        """One line per open conflict of the room (the snapshot cover prints them)."""
        return [f"{c['label']}: {describe(c['local'])} here, {describe(c['remote'])} at installation "
                f"{c['remote_origin']}" + (f" ({c['rule']})" if c["rule"] else "")
                for c in self.conflicts(room_id)]
