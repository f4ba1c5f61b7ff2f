"""A room as a room pack carries it: every record of one room, as the stores hold them (see ``sts_snapshots.packs``).

The bundle is the typed record that crosses from the pack (JSON) into the services that write it; its
:meth:`RoomBundle.of_json` checks the shape (every record an object with a plain id, of this room) so that a
service can insert what it is given as it is.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, cast

from .checklist_format import ChecklistSet
from .checklists import ChecklistRecord
from .ids import is_id
from .records import (
    ApprovalRecord,
    DocumentRecord,
    PartyRecord,
    RoomRecord,
    SnapshotRecord,
    VersionRecord,
    VesselRecord,
)
from .sync_fields import FieldState, check_states

SHA256 = re.compile(r"^[0-9a-f]{64}$")
# the record lists of a bundle, each of one room (``room_id``)
ROOM_LISTS = ("vessels", "parties", "documents", "approvals", "changes", "reads", "checklists", "snapshots")


class BadBundle(ValueError):
    """The pack's records are not a room as this version stores one; the message (one line) says where."""


@dataclass(frozen=True)
class RoomBundle:
    room: RoomRecord
    vessels: list[VesselRecord] = field(default_factory=list)
    parties: list[PartyRecord] = field(default_factory=list)  # email, name, role: never user accounts
    documents: list[DocumentRecord] = field(default_factory=list)
    approvals: list[ApprovalRecord] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # the activity log's entries, chain fields and all
    reads: list[dict[str, Any]] = field(default_factory=list)  # the reads the audit log recorded (downloads)
    checklist_set: ChecklistSet | None = None  # the template set the room's checklists come from
    checklists: list[ChecklistRecord] = field(default_factory=list)
    snapshots: list[SnapshotRecord] = field(default_factory=list)  # completed ones, if the pack carries their PDFs
    # the exporter's mergeable fields with their version vectors (None: a pack from before merging, new rooms only)
    sync: dict[str, FieldState] | None = None

    @property
    def room_id(self) -> str:
        return self.room["id"]

    def versions(self) -> list[VersionRecord]:
        """Every version of every document: each names a file the pack holds."""
        return [version for doc in self.documents for version in doc["versions"]]

    def record_ids(self) -> dict[str, list[str]]:
        """The ids of the records that go into the rooms store, by table."""
        return {"vessels": [r["id"] for r in self.vessels], "parties": [r["id"] for r in self.parties],
                "documents": [r["id"] for r in self.documents], "approvals": [r["id"] for r in self.approvals]}

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def of_json(cls, data: Any) -> RoomBundle:
        """The bundle in ``data`` (parsed JSON).

        :raises BadBundle: naming the first thing that is not as a room pack has it.

        >>> RoomBundle.of_json({"room": {"id": "r1"}, "vessels": [{"id": "v1", "room_id": "r1"}]}).vessels[0]["id"]
        'v1'
        >>> RoomBundle.of_json({"room": {"id": "r1"}, "parties": [{"id": "p1", "room_id": "r2"}]})
        Traceback (most recent call last):
        ...
        sts_snapshots.domain.room_bundle.BadBundle: parties[0] belongs to room 'r2', not to 'r1'
        """
        if not isinstance(data, dict) or not isinstance(data.get("room"), dict):
            raise BadBundle("the records hold no room")
        room_id = data["room"].get("id")
        if not isinstance(room_id, str) or not is_id(room_id):
            raise BadBundle("the room's id is not a plain id")
        unknown = set(data) - {"room", "checklist_set", "sync", *ROOM_LISTS}
        if unknown:
            raise BadBundle(f"unknown part(s) {', '.join(sorted(unknown))}")
        for name in ROOM_LISTS:
            rows = data.get(name, [])
            if not isinstance(rows, list):
                raise BadBundle(f"{name} is not a list")
            for index, row in enumerate(rows):
                _check_row(f"{name}[{index}]", row, room_id)
        for index, doc in enumerate(data.get("documents", [])):
            _check_versions(f"documents[{index}]", doc.get("versions"))
        for index, snapshot in enumerate(data.get("snapshots", [])):
            if snapshot.get("status") != "completed" or not SHA256.match(str(snapshot.get("sha256"))):
                raise BadBundle(f"snapshots[{index}] is not a completed snapshot with its SHA-256")
        _check_set(data.get("checklist_set"))
        try:
            sync = None if data.get("sync") is None else check_states(data["sync"])
        except ValueError as exc:
            raise BadBundle(str(exc)) from None
        return cls(room=cast(RoomRecord, data["room"]), checklist_set=data.get("checklist_set"), sync=sync,
                   **{name: list(data.get(name, [])) for name in ROOM_LISTS})


def _check_row(where: str, row: Any, room_id: str) -> None:
    if not isinstance(row, dict):
        raise BadBundle(f"{where} is not an object")
    if not isinstance(row.get("id"), str) or not is_id(row["id"]):
        raise BadBundle(f"{where} has no plain id")
    if row.get("room_id") != room_id:
        raise BadBundle(f"{where} belongs to room {row.get('room_id')!r}, not to {room_id!r}")


def _check_versions(where: str, versions: Any) -> None:
    if not isinstance(versions, list):
        raise BadBundle(f"{where} has no list of versions")
    for number, version in enumerate(versions, start=1):
        if not isinstance(version, dict):
            raise BadBundle(f"{where} version {number} is not an object")
        if not isinstance(version.get("file_id"), str) or not is_id(version["file_id"]):
            raise BadBundle(f"{where} version {number} names no plain file id")
        if not isinstance(version.get("sha256"), str) or not SHA256.match(version["sha256"]):
            raise BadBundle(f"{where} version {number} has no SHA-256")
        if not isinstance(version.get("size"), int) or version["size"] < 0:
            raise BadBundle(f"{where} version {number} has no size")


def _check_set(document: Any) -> None:
    if document is None:
        return
    if not isinstance(document, dict) or not isinstance(document.get("id"), str) \
            or not isinstance(document.get("version"), int) or not isinstance(document.get("checklists"), list):
        raise BadBundle("checklist_set is not a checklist set (id, version, checklists)")
