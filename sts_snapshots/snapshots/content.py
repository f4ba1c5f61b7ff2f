"""What a report shows, gathered from the stores, and the content key that identifies it.

The key is the SHA-256 of the canonical JSON of everything the report body prints, the options,
and the template version. The original backend keyed on room id and time only and served stale
PDFs after a status change; here any printed change gives a new key.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..domain.catalogue import CATALOGUE
from ..domain.models import PARTY_ROLES
from ..services.documents import DocumentService
from ..services.rooms import RoomService

TEMPLATE_VERSION = "1"
# Snapshot events are about the record, not the room: leaving them out keeps an unchanged room's key stable.
META_ACTION_PREFIX = "snapshot"
_ORDER = {t.code: i for i, t in enumerate(CATALOGUE)}


def content_key(model: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``model`` (without its own ``content_key``).

    >>> a = content_key({"room": {"title": "A"}, "documents": [{"status": "approved"}]})
    >>> b = content_key({"documents": [{"status": "rejected"}], "room": {"title": "A"}})
    >>> a == b, len(a)
    (False, 64)
    """
    body = {k: v for k, v in model.items() if k != "content_key"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def gather(rooms: RoomService, documents: DocumentService, room_id: str, include_documents: bool) -> dict[str, Any]:
    """The report model of a room as it is now (see ``sts_snapshots.report`` for the format)."""
    room = rooms.get(room_id)
    if room is None:
        raise LookupError(f"room {room_id} no longer exists")
    vessels = rooms.vessels_of(room_id)
    parties = rooms.parties_of(room_id)
    party_by_id = {p["id"]: p for p in parties}
    groups = {v["id"]: f"{v['role'].capitalize()} vessel — {v['name']}" for v in vessels}
    group_order = {v["id"]: i for i, v in enumerate(vessels)}
    docs = documents.views_of(room_id)
    docs.sort(key=lambda d: (group_order.get(d["vessel_id"] or "", len(vessels)), _ORDER.get(d["type_code"], 999)))
    model_docs: list[dict[str, Any]] = []
    included: list[dict[str, Any]] = []
    for d in docs:
        latest: dict[str, Any] = dict(d["latest_version"] or {})
        group = groups.get(d["vessel_id"] or "", "Operation")
        model_docs.append({
            "id": d["id"], "group": group, "type_code": d["type_code"], "type_name": d["type_name"],
            "category": d["category"], "required": d["required"], "criticality": d["criticality"],
            "status": d["effective_status"], "expires_on": d["expires_on"], "expired": d["expired"],
            "expiring_soon": d["expiring_soon"], "version": latest.get("number"),
            "uploaded_by": latest.get("uploaded_by"), "uploaded_at": latest.get("uploaded_at"),
            "file_name": latest.get("file_name"), "notes": d["notes"],
        })
        if include_documents and latest:
            included.append({"document": d["type_name"], "group": group, "file_name": latest["file_name"],
                             "sha256": latest["sha256"], "size": latest["size"], "mime": latest["mime"],
                             "file_id": latest["file_id"],
                             "kind": "pdf" if latest["mime"] == "application/pdf" else "attachment"})
    approvals = []
    for a in rooms.approvals_of(room_id):
        party = party_by_id.get(a["party_id"])
        if party:
            approvals.append({"party_name": party["name"], "party_role_label": PARTY_ROLES[party["role"]],
                              "status": a["status"], "comment": a["comment"], "updated_at": a["updated_at"]})
    approvals.sort(key=lambda a: list(PARTY_ROLES.values()).index(a["party_role_label"]))
    activity = [a for a in rooms.activity_for(room_id, limit=10_000) if not a["action"].startswith(META_ACTION_PREFIX)]
    model = {
        "template_version": TEMPLATE_VERSION,
        "room": {k: room.get(k) for k in ("id", "title", "location", "sts_eta", "cargo_type", "cargo_quantity",
                                          "description", "status", "created_at", "created_by")},
        "vessels": [{k: v.get(k) for k in ("id", "name", "imo", "flag", "vessel_type", "role", "dwt", "length_m")}
                    for v in vessels],
        "parties": [{"id": p["id"], "role": p["role"], "role_label": PARTY_ROLES[p["role"]], "name": p["name"],
                     "company": p["company"], "email": p["email"]} for p in parties],
        "documents": model_docs,
        "approvals": approvals,
        "activity": [{k: a[k] for k in ("at", "actor", "action", "details")} for a in activity[:50]],
        "readiness": {k: v for k, v in rooms.readiness(room_id).items() if k != "percent"},
        "included_files": included,
    }
    model["content_key"] = content_key(model)
    return model
