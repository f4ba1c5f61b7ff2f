"""Rooms, their vessels, parties and approvals; who may see and change what."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ..domain.documents import Document, documents_for_operation, documents_for_vessel
from ..domain.models import (
    PARTY_ROLES,
    REVIEWER_ROLES,
    ROOM_STATUSES,
    Activity,
    Approval,
    Party,
    Room,
    Vessel,
    newest_first,
    room_read,
)
from ..domain.readiness import readiness, with_checklists
from ..domain.records import (
    ActivityRecord,
    ApprovalRecord,
    DocumentRecord,
    PartyRecord,
    ReadinessView,
    RoomDetail,
    RoomRecord,
    RoomView,
    VesselRecord,
)
from ..domain.time import now_iso, utcnow
from ..domain.window import OperationWindow
from ..store import AppendLogLike, DatabaseLike, ShardedDatabaseLike, ShardedTableLike, TableLike
from .activity_chain import ActivityChain
from .errors import Conflict, Forbidden, Invalid, NotFound
from .room_import import RoomImport, room_database, room_record
from .users import User

VESSEL_FIELDS = ("name", "imo", "role", "flag", "vessel_type", "dwt", "length_m")
ROOM_FIELDS = ("title", "location", "sts_eta", "cargo_type", "cargo_quantity", "description", "status",
               "planned_hours")
# (room id, its vessels) -> (checklists to sign off before transfer, of them signed off): the checklist service's
ChecklistGate = Callable[[str, list[VesselRecord]], tuple[int, int]]
# (room id, the vessel leaving or changing role, what happens) -> its pairs' empty checklists removed; Conflict
# while any holds entries
VesselRelease = Callable[[str, VesselRecord, str], int]


def _valid(build: Callable[[], Any]) -> Any:
    try:
        return build()
    except (TypeError, ValueError) as exc:
        raise Invalid(str(exc)) from None


def _activity_record(data: dict[str, Any]) -> ActivityRecord:
    return Activity.from_record(data).to_record()


class RoomService:
    def __init__(self, rooms_db: ShardedDatabaseLike, activity: ShardedTableLike, audit: AppendLogLike,
                 today: Callable[[], date] | None = None, chain: ActivityChain | None = None,
                 checklist_gate: ChecklistGate | None = None, release_vessel: VesselRelease | None = None) -> None:
        # One store file (shard) per room: its record, vessels, parties, documents and approvals. A write costs
        # that room's records, whatever the number of rooms (see store/shards.py).
        self._shards = rooms_db
        self._room_of_doc: dict[str, str] = {}  # for update_document called without its room (earlier callers)
        self._activity = activity
        self._audit = audit
        self.today = today or (lambda: utcnow().date())
        self.chain = chain or ActivityChain("local", activity, audit)  # every entry sealed into its room's chain
        self._checklist_gate = checklist_gate
        self._release_vessel = release_vessel
        self.imports = RoomImport(rooms_db, self.chain)  # a room brought whole, or merged, from a room pack

    # -- the room's store --------------------------------------------------------------------------
    def _db(self, room_id: str) -> DatabaseLike:
        """The room's tables. :raises NotFound: ``room_id`` is not a plain id (so no room has it)."""
        return room_database(self._shards, room_id)

    def _rooms(self, room_id: str) -> TableLike[RoomRecord]:
        return self._db(room_id).table("rooms")

    def _vessels(self, room_id: str) -> TableLike[VesselRecord]:
        return self._db(room_id).table("vessels")

    def _parties(self, room_id: str) -> TableLike[PartyRecord]:
        return self._db(room_id).table("parties")

    def _documents(self, room_id: str) -> TableLike[DocumentRecord]:
        return self._db(room_id).table("documents")

    def _approvals(self, room_id: str) -> TableLike[ApprovalRecord]:
        return self._db(room_id).table("approvals")

    def _record(self, room_id: str) -> RoomRecord | None:
        """The stored room record, or None (also for an id no room can have: nothing is opened for it)."""
        return room_record(self._shards, room_id)

    def _all_rooms(self) -> list[RoomRecord]:
        return [r for key in self._shards.keys() for r in self._rooms(key).all()]

    # -- access ---------------------------------------------------------------------------------
    def member_party(self, user: User, room_id: str) -> PartyRecord | None:
        if not self._shards.has(room_id):
            return None
        found = self._parties(room_id).find(email=user.email)
        return found[0] if found else None

    def can_see(self, user: User, room_id: str) -> bool:
        return user.is_admin or self.member_party(user, room_id) is not None

    def room(self, user: User, room_id: str) -> RoomRecord:
        """The room record if it exists and ``user`` may see it; otherwise NotFound (never reveals existence)."""
        record = self._record(room_id)
        if record is None or not self.can_see(user, room_id):
            raise NotFound("room not found")
        return room_read(record)

    def can_review(self, user: User, room_id: str) -> bool:
        party = self.member_party(user, room_id)
        return user.is_admin or (party is not None and party["role"] in REVIEWER_ROLES)

    def can_manage(self, user: User, room_id: str) -> bool:
        record = self._record(room_id)
        return self.can_review(user, room_id) or (record is not None and record["created_by"] == user.email)

    # -- rooms ----------------------------------------------------------------------------------
    def list_rooms(self, user: User) -> list[RoomView]:
        if user.is_admin:
            rooms = self._all_rooms()
        else:
            rooms = [r for key in self._shards.keys() if self._parties(key).find(email=user.email)
                     for r in self._rooms(key).all()]
        rooms.sort(key=lambda r: (r["sts_eta"] or "9999", r["title"]))
        return [RoomView(**room_read(r), readiness=self.readiness(r["id"]), operation_window=self.window(r).view())
                for r in rooms]

    def detail(self, user: User, room_id: str) -> RoomDetail:
        """The room with its readiness, vessels (mother first), parties and approvals, if ``user`` may see it."""
        room = self.room(user, room_id)
        return RoomDetail(**room, readiness=self.readiness(room_id), operation_window=self.window(room).view(),
                          vessels=self.vessels_of(room_id),
                          parties=self.parties_of(room_id), approvals=self.approvals_of(room_id))

    def get(self, room_id: str) -> RoomRecord | None:
        """The room record without an access check: for the server's own work (a snapshot job, the demo)."""
        record = self._record(room_id)
        return room_read(record) if record else None

    def room_ids(self) -> list[str]:
        return [r["id"] for r in self._all_rooms()]

    def create_room(self, user: User, fields: dict[str, Any], party_role: str = "sts_provider") -> RoomRecord:
        room = _valid(lambda: Room(**{k: v for k, v in fields.items() if k in ROOM_FIELDS}, created_by=user.email))
        if party_role not in PARTY_ROLES:
            raise Invalid(f"party_role must be one of {', '.join(PARTY_ROLES)}")
        db = self._db(room.id)
        with db.locked():
            db.table("rooms").insert(room.to_record())
            db.table("documents").insert_many([d.to_record() for d in documents_for_operation(room.id)])
            party = Party(room_id=room.id, role=party_role, name=user.name, email=user.email)
            db.table("parties").insert(party.to_record())
            db.table("approvals").insert(Approval(room_id=room.id, party_id=party.id).to_record())
        self.log(room.id, user.email, "room created", room.title)
        return room.to_record()

    def update_room(self, user: User, room_id: str, changes: dict[str, Any]) -> RoomRecord:
        current = self.room(user, room_id)
        if not self.can_manage(user, room_id):
            raise Forbidden("only the room's creator, its reviewers or an admin may change it")
        unknown = set(changes) - set(ROOM_FIELDS)
        if unknown:
            raise Invalid(f"unknown field(s): {', '.join(sorted(unknown))}")
        if "status" in changes and changes["status"] not in ROOM_STATUSES:
            raise Invalid(f"status must be one of {', '.join(ROOM_STATUSES)}")
        merged = _valid(lambda: Room.from_record({**current, **changes}))
        record = self._rooms(room_id).update(room_id, merged.to_record())
        details = ", ".join(f"{k}={v}" for k, v in changes.items())
        ready = self.readiness(room_id)
        if changes.get("status") in ("ready", "completed") and not ready["ready"]:
            details += f" (while not ready: {ready['approved']} of {ready['required']} required documents approved)"
        self.log(room_id, user.email, "room updated", details)
        return record or merged.to_record()

    # -- vessels and parties ----------------------------------------------------------------------
    def add_vessel(self, user: User, room_id: str, fields: dict[str, Any]) -> VesselRecord:
        self.room(user, room_id)
        if not self.can_manage(user, room_id):
            raise Forbidden("only the room's creator, its reviewers or an admin may add vessels")
        vessel = _valid(lambda: Vessel(room_id=room_id, **fields))
        if any(v["imo"] == vessel.imo for v in self._vessels(room_id).all()):
            raise Invalid(f"imo: vessel {vessel.imo} is already in this room")
        with self._db(room_id).locked():
            self._vessels(room_id).insert(vessel.to_record())
            self._documents(room_id).insert_many([d.to_record() for d in documents_for_vessel(room_id, vessel.id)])
        self.log(room_id, user.email, "vessel added", f"{vessel.name} (IMO {vessel.imo}, {vessel.role})")
        return vessel.to_record()

    def update_vessel(self, user: User, room_id: str, vessel_id: str, changes: dict[str, Any]) -> VesselRecord:
        """Correct a vessel's name, IMO number, role or particulars; the activity says what changed."""
        current = self._managed_vessel(user, room_id, vessel_id, "edit vessels")
        unknown = set(changes) - set(VESSEL_FIELDS)
        if unknown:
            raise Invalid(f"unknown field(s): {', '.join(sorted(unknown))}")
        vessel = _valid(lambda: Vessel.from_record({**current, **changes}))
        if any(v["imo"] == vessel.imo and v["id"] != vessel_id for v in self._vessels(room_id).all()):
            raise Invalid(f"imo: vessel {vessel.imo} is already in this room")
        merged = vessel.to_record()
        changed = {k: merged[k] for k in VESSEL_FIELDS if merged[k] != current.get(k)}  # type: ignore[literal-required]
        if not changed:
            return current
        if "role" in changed and self._release_vessel is not None:  # other pairs: its checklists would be hidden
            self._release_vessel(room_id, current, "change its role")
        record = self._vessels(room_id).update(vessel_id, merged) or merged
        self.log(room_id, user.email, "vessel updated",
                 f"{vessel.name}: " + ", ".join(f"{k}={v}" for k, v in changed.items()))
        return record

    def remove_vessel(self, user: User, room_id: str, vessel_id: str) -> int:
        """Remove a vessel and its document slots; refused while any of them holds an uploaded file, which is
        evidence (correct the vessel instead), or while its checklists hold entries (``release_vessel``'s rule).
        Returns how many document slots went with it."""
        vessel = self._managed_vessel(user, room_id, vessel_id, "remove vessels")
        docs = [d for d in self._documents(room_id).all() if d.get("vessel_id") == vessel_id]
        uploaded = sum(1 for d in docs if d.get("versions"))
        if uploaded:
            raise Conflict(f"{vessel['name']} has {uploaded} uploaded document{'s' if uploaded != 1 else ''}: "
                           "a vessel whose documents hold files cannot be removed. Edit it instead.")
        if self._release_vessel is not None:
            self._release_vessel(room_id, vessel, "be removed")
        with self._db(room_id).locked():
            self._documents(room_id).remove_where(lambda d: d.get("vessel_id") == vessel_id)
            self._vessels(room_id).remove(vessel_id)
        self.log(room_id, user.email, "vessel removed",
                 f"{vessel['name']} (IMO {vessel['imo']}) with its {len(docs)} empty document slots")
        return len(docs)

    def _managed_vessel(self, user: User, room_id: str, vessel_id: str, what: str) -> VesselRecord:
        self.room(user, room_id)
        if not self.can_manage(user, room_id):
            raise Forbidden(f"only the room's creator, its reviewers or an admin may {what}")
        vessel = self._vessels(room_id).get(vessel_id)
        if vessel is None or vessel["room_id"] != room_id:
            raise NotFound("vessel not found")
        return vessel

    def add_party(self, user: User, room_id: str, fields: dict[str, Any]) -> PartyRecord:
        self.room(user, room_id)
        if not self.can_manage(user, room_id):
            raise Forbidden("only the room's creator, its reviewers or an admin may add parties")
        party = _valid(lambda: Party(room_id=room_id, **fields))
        if party.vessel_id and party.vessel_id not in {v["id"] for v in self._vessels(room_id).all()}:
            raise Invalid("vessel_id: no such vessel in this room")
        if party.email and self._parties(room_id).find(email=party.email):
            raise Invalid(f"email: {party.email} is already a party of this room")
        with self._db(room_id).locked():
            self._parties(room_id).insert(party.to_record())
            self._approvals(room_id).insert(Approval(room_id=room_id, party_id=party.id).to_record())
        self.log(room_id, user.email, "party added", f"{party.name} ({party.role_label})")
        return party.to_record()

    def remove_party(self, user: User, room_id: str, party_id: str) -> None:
        self.room(user, room_id)
        if not self.can_manage(user, room_id):
            raise Forbidden("only the room's creator, its reviewers or an admin may remove parties")
        party = self._parties(room_id).get(party_id)
        if party is None or party["room_id"] != room_id:
            raise NotFound("party not found")
        with self._db(room_id).locked():
            self._parties(room_id).remove(party_id)
            self._approvals(room_id).remove_where(lambda a: a["party_id"] == party_id)
        self.log(room_id, user.email, "party removed", f"{party['name']} ({PARTY_ROLES[party['role']]})")

    def set_approval(self, user: User, room_id: str, party_id: str, status: str, comment: str = "") -> ApprovalRecord:
        self.room(user, room_id)
        party = self._parties(room_id).get(party_id)
        if party is None or party["room_id"] != room_id:
            raise NotFound("party not found")
        if not user.is_admin and party["email"] != user.email:
            raise Forbidden("only the party itself or an admin may set its approval")
        approval = _valid(lambda: Approval(room_id=room_id, party_id=party_id, status=status, comment=comment,
                                           updated_by=user.email, updated_at=now_iso()))
        approvals = self._approvals(room_id)
        with approvals.locked():
            existing = approvals.find(party_id=party_id)
            if existing:
                approval.id = existing[0]["id"]
                approvals.update(approval.id, approval.to_record())
            else:
                approvals.insert(approval.to_record())
        note = f" — {comment}" if comment else ""
        self.log(room_id, user.email, "approval changed", f"{party['name']}: {status}{note}")
        return approval.to_record()

    # -- activity and readiness -------------------------------------------------------------------
    def log(self, room_id: str, actor: str, action: str, details: str = "", at: str | None = None) -> None:
        entry = Activity(room_id=room_id, actor=actor, action=action, details=details, at=at or now_iso())
        self.chain.append(room_id, dict(entry.to_record()), self._activity.shard(room_id).insert)

    def audit(self, room_id: str, actor: str, action: str, details: str = "") -> None:
        """Record a read worth keeping (a download) in the room's activity, appended: no store file is rewritten."""
        entry = Activity(room_id=room_id, actor=actor, action=action, details=details)
        self.chain.append(room_id, dict(entry.to_record()), lambda sealed: self._audit.append(room_id, sealed))

    def activity_for(self, room_id: str, limit: int = 50, offset: int = 0) -> list[ActivityRecord]:
        """The room's activity log, newest first: its changes and the reads :meth:`audit` recorded."""
        entries = [*map(_activity_record, [*self._activity.shard(room_id).all(), *self._audit.read(room_id)])]
        return newest_first(entries, "at")[offset:offset + limit]

    def window(self, room: RoomRecord) -> OperationWindow:
        """The room's operation window (ETA + planned hours; today when it has no ETA)."""
        return OperationWindow.of(room, self.today())

    def readiness(self, room_id: str) -> ReadinessView:
        """Documents judged through the operation window, and the checklists to sign off before transfer."""
        room = self._record(room_id)
        window = self.window(room_read(room)) if room else OperationWindow(self.today(), None)
        docs = readiness(self.documents_of(room_id), window)
        if self._checklist_gate is None:
            return docs
        return with_checklists(docs, *self._checklist_gate(room_id, self.vessels_of(room_id)))

    # -- what a room holds, without an access check (the caller has made it) ------------------------
    def vessels_of(self, room_id: str) -> list[VesselRecord]:
        """The room's vessels, the mother vessel first, then by name: the order every list and the report use."""
        return sorted(self._of(room_id, "vessels"), key=lambda v: (v["role"] != "mother", v["name"]))

    def parties_of(self, room_id: str) -> list[PartyRecord]:
        """The room's parties in the order of :data:`PARTY_ROLES` (owners first), then by name."""
        order = list(PARTY_ROLES)
        return sorted(self._of(room_id, "parties"),
                      key=lambda p: (order.index(p["role"]) if p["role"] in order else len(order), p["name"]))

    def approvals_of(self, room_id: str) -> list[ApprovalRecord]:
        return self._of(room_id, "approvals")

    def documents_of(self, room_id: str) -> list[DocumentRecord]:
        return self._of(room_id, "documents")

    def _of(self, room_id: str, table: str) -> list[Any]:
        """Every record of one of the room's tables ([] for a room that does not exist)."""
        return self._db(room_id).table(table).all() if self._shards.has(room_id) else []

    def update_document(self, doc_id: str, changes: dict[str, Any], room_id: str | None = None) -> DocumentRecord:
        """Store ``changes`` to a document :meth:`document` has found (the document use cases check the rules).

        :param room_id: the document's room; without it, the room :meth:`document` found it in (else every
            room is searched).
        """
        room_id = room_id or self._room_of_doc.get(doc_id) or next(
            (key for key in self._shards.keys() if self._documents(key).get(doc_id) is not None), None)
        record = self._documents(room_id).update(doc_id, changes) if room_id else None
        if record is None:
            raise NotFound("document not found")
        return record


    def document(self, room_id: str, doc_id: str) -> Document:
        record = self._documents(room_id).get(doc_id) if self._shards.has(room_id) else None
        if record is None or record["room_id"] != room_id:
            raise NotFound("document not found")
        if len(self._room_of_doc) > 10_000:
            self._room_of_doc.clear()
        self._room_of_doc[doc_id] = room_id
        return Document.from_record(record)
