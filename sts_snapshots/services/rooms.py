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
    now_iso,
    utcnow,
)
from ..domain.readiness import readiness
from ..store import Database, ShardedTable
from .errors import Forbidden, Invalid, NotFound
from .users import User

ROOM_FIELDS = ("title", "location", "sts_eta", "cargo_type", "cargo_quantity", "description", "status")


def _valid(build: Callable[[], Any]) -> Any:
    try:
        return build()
    except (TypeError, ValueError) as exc:
        raise Invalid(str(exc)) from None


class RoomService:
    def __init__(self, rooms_db: Database, activity: ShardedTable, today: Callable[[], date] | None = None) -> None:
        self.db = rooms_db
        self.rooms = rooms_db.table("rooms")
        self.vessels = rooms_db.table("vessels")
        self.parties = rooms_db.table("parties")
        self.documents = rooms_db.table("documents")
        self.approvals = rooms_db.table("approvals")
        self.activity = activity
        self.today = today or (lambda: utcnow().date())

    # -- access ---------------------------------------------------------------------------------
    def member_party(self, user: User, room_id: str) -> dict[str, Any] | None:
        found = self.parties.find(room_id=room_id, email=user.email)
        return found[0] if found else None

    def can_see(self, user: User, room_id: str) -> bool:
        return user.is_admin or self.member_party(user, room_id) is not None

    def room(self, user: User, room_id: str) -> dict[str, Any]:
        """The room record if it exists and ``user`` may see it; otherwise NotFound (never reveals existence)."""
        record = self.rooms.get(room_id)
        if record is None or not self.can_see(user, room_id):
            raise NotFound("room not found")
        return record

    def can_review(self, user: User, room_id: str) -> bool:
        party = self.member_party(user, room_id)
        return user.is_admin or (party is not None and party["role"] in REVIEWER_ROLES)

    def can_manage(self, user: User, room_id: str) -> bool:
        record = self.rooms.get(room_id) or {}
        return self.can_review(user, room_id) or record.get("created_by") == user.email

    # -- rooms ----------------------------------------------------------------------------------
    def list_rooms(self, user: User) -> list[dict[str, Any]]:
        if user.is_admin:
            rooms = self.rooms.all()
        else:
            ids = {p["room_id"] for p in self.parties.find(email=user.email)}
            rooms = [r for r in self.rooms.all() if r["id"] in ids]
        rooms.sort(key=lambda r: (r.get("sts_eta") or "9999", r["title"]))
        return [{**r, "readiness": self.readiness(r["id"])} for r in rooms]

    def create_room(self, user: User, fields: dict[str, Any], party_role: str = "sts_provider") -> dict[str, Any]:
        room = _valid(lambda: Room(**{k: v for k, v in fields.items() if k in ROOM_FIELDS}, created_by=user.email))
        if party_role not in PARTY_ROLES:
            raise Invalid(f"party_role must be one of {', '.join(PARTY_ROLES)}")
        with self.db.locked():
            self.rooms.insert(room.to_record())
            self.documents.insert_many([d.to_record() for d in documents_for_operation(room.id)])
            party = Party(room_id=room.id, role=party_role, name=user.name, email=user.email)
            self.parties.insert(party.to_record())
            self.approvals.insert(Approval(room_id=room.id, party_id=party.id).to_record())
        self.log(room.id, user.email, "room created", room.title)
        return room.to_record()

    def update_room(self, user: User, room_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        current = self.room(user, room_id)
        if not self.can_manage(user, room_id):
            raise Forbidden("only the room's creator, its reviewers or an admin may change it")
        unknown = set(changes) - set(ROOM_FIELDS)
        if unknown:
            raise Invalid(f"unknown field(s): {', '.join(sorted(unknown))}")
        if "status" in changes and changes["status"] not in ROOM_STATUSES:
            raise Invalid(f"status must be one of {', '.join(ROOM_STATUSES)}")
        merged = _valid(lambda: Room.from_record({**current, **changes}))
        record = self.rooms.update(room_id, merged.to_record())
        self.log(room_id, user.email, "room updated", ", ".join(f"{k}={v}" for k, v in changes.items()))
        return record or merged.to_record()

    # -- vessels and parties ----------------------------------------------------------------------
    def add_vessel(self, user: User, room_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        self.room(user, room_id)
        if not self.can_manage(user, room_id):
            raise Forbidden("only the room's creator, its reviewers or an admin may add vessels")
        vessel = _valid(lambda: Vessel(room_id=room_id, **fields))
        if any(v["imo"] == vessel.imo for v in self.vessels.find(room_id=room_id)):
            raise Invalid(f"imo: vessel {vessel.imo} is already in this room")
        with self.db.locked():
            self.vessels.insert(vessel.to_record())
            self.documents.insert_many([d.to_record() for d in documents_for_vessel(room_id, vessel.id)])
        self.log(room_id, user.email, "vessel added", f"{vessel.name} (IMO {vessel.imo}, {vessel.role})")
        return vessel.to_record()

    def add_party(self, user: User, room_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        self.room(user, room_id)
        if not self.can_manage(user, room_id):
            raise Forbidden("only the room's creator, its reviewers or an admin may add parties")
        party = _valid(lambda: Party(room_id=room_id, **fields))
        if party.email and self.parties.find(room_id=room_id, email=party.email):
            raise Invalid(f"email: {party.email} is already a party of this room")
        with self.db.locked():
            self.parties.insert(party.to_record())
            self.approvals.insert(Approval(room_id=room_id, party_id=party.id).to_record())
        self.log(room_id, user.email, "party added", f"{party.name} ({party.role_label})")
        return party.to_record()

    def remove_party(self, user: User, room_id: str, party_id: str) -> None:
        self.room(user, room_id)
        if not self.can_manage(user, room_id):
            raise Forbidden("only the room's creator, its reviewers or an admin may remove parties")
        party = self.parties.get(party_id)
        if party is None or party["room_id"] != room_id:
            raise NotFound("party not found")
        with self.db.locked():
            self.parties.remove(party_id)
            self.approvals.remove_where(lambda a: a["party_id"] == party_id)
        self.log(room_id, user.email, "party removed", f"{party['name']} ({PARTY_ROLES[party['role']]})")

    def set_approval(self, user: User, room_id: str, party_id: str, status: str, comment: str = "") -> dict[str, Any]:
        self.room(user, room_id)
        party = self.parties.get(party_id)
        if party is None or party["room_id"] != room_id:
            raise NotFound("party not found")
        if not user.is_admin and party.get("email") != user.email:
            raise Forbidden("only the party itself or an admin may set its approval")
        approval = _valid(lambda: Approval(room_id=room_id, party_id=party_id, status=status, comment=comment,
                                           updated_by=user.email, updated_at=now_iso()))
        with self.db.locked():
            existing = self.approvals.find(room_id=room_id, party_id=party_id)
            if existing:
                approval.id = existing[0]["id"]
                self.approvals.update(approval.id, approval.to_record())
            else:
                self.approvals.insert(approval.to_record())
        note = f" — {comment}" if comment else ""
        self.log(room_id, user.email, "approval changed", f"{party['name']}: {status}{note}")
        return approval.to_record()

    # -- activity and readiness -------------------------------------------------------------------
    def log(self, room_id: str, actor: str, action: str, details: str = "", at: str | None = None) -> None:
        entry = Activity(room_id=room_id, actor=actor, action=action, details=details, at=at or now_iso())
        self.activity.shard(room_id).insert(entry.to_record())

    def activity_for(self, room_id: str, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        return newest_first(self.activity.shard(room_id).all(), "at")[offset:offset + limit]

    def readiness(self, room_id: str) -> dict[str, Any]:
        return readiness(self.documents.find(room_id=room_id), self.today()).to_dict()

    def documents_of(self, room_id: str) -> list[dict[str, Any]]:
        return self.documents.find(room_id=room_id)

    def document(self, room_id: str, doc_id: str) -> Document:
        record = self.documents.get(doc_id)
        if record is None or record["room_id"] != room_id:
            raise NotFound("document not found")
        return Document.from_record(record)
