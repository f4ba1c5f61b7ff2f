"""What a report shows: the report model of a room, gathered from the room and document services."""

from __future__ import annotations

from ..domain.catalogue import CATALOGUE
from ..domain.models import PARTY_ROLES
from ..domain.records import DocumentView, ReadinessCounts
from ..domain.report_model import (
    IncludedFile,
    ReportActivity,
    ReportApproval,
    ReportDocument,
    ReportModel,
    ReportParty,
    ReportRoom,
    ReportVessel,
)
from ..services.documents import DocumentService
from ..services.rooms import RoomService
from .content_key import TEMPLATE_VERSION, content_key

# Snapshot events are about the record, not the room: leaving them out keeps an unchanged room's key stable.
META_ACTION_PREFIX = "snapshot"
_ORDER = {t.code: i for i, t in enumerate(CATALOGUE)}


def _document(d: DocumentView, group: str) -> ReportDocument:
    latest = d["latest_version"]
    return ReportDocument(
        id=d["id"], group=group, type_code=d["type_code"], type_name=d["type_name"], category=d["category"],
        required=d["required"], criticality=d["criticality"], status=d["effective_status"],
        expires_on=d["expires_on"], expired=d["expired"], expiring_soon=d["expiring_soon"],
        version=latest["number"] if latest else None, uploaded_by=latest["uploaded_by"] if latest else None,
        uploaded_at=latest["uploaded_at"] if latest else None, file_name=latest["file_name"] if latest else None,
        notes=d["notes"],
    )


def _included_file(d: DocumentView, group: str) -> IncludedFile | None:
    """The latest version of ``d`` as an included file; its limits are the pipeline's, its outcome the worker's."""
    latest = d["latest_version"]
    if not latest:
        return None
    vessel = group.split(" — ", 1)[1] if " — " in group else group
    return IncludedFile(document=d["type_name"], group=group, vessel=vessel, status=d["effective_status"],
                        version=latest["number"], uploaded_by=latest["uploaded_by"], uploaded_at=latest["uploaded_at"],
                        file_name=latest["file_name"], sha256=latest["sha256"], size=latest["size"],
                        mime=latest["mime"], file_id=latest["file_id"],
                        kind="pdf" if latest["mime"] == "application/pdf" else
                        "image" if latest["mime"] in ("image/png", "image/jpeg") else "attachment",
                        limit_pages=0, limit_total_pages=0, limit_bytes=0, limit_seconds=0,
                        first_page=None, last_page=None, not_included=None)


def gather(rooms: RoomService, documents: DocumentService, room_id: str, include_documents: bool) -> ReportModel:
    """The report model of a room as it is now (the format: :mod:`sts_snapshots.domain.report_model`).

    :raises LookupError: the room no longer exists.
    """
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
    model_docs: list[ReportDocument] = []
    included: list[IncludedFile] = []
    for d in docs:
        group = groups.get(d["vessel_id"] or "", "Operation")
        model_docs.append(_document(d, group))
        file = _included_file(d, group) if include_documents else None
        if file is not None:
            included.append(file)
    approvals: list[ReportApproval] = []
    for a in rooms.approvals_of(room_id):
        party = party_by_id.get(a["party_id"])
        if party:
            approvals.append(ReportApproval(party_name=party["name"], party_role_label=PARTY_ROLES[party["role"]],
                                            status=a["status"], comment=a["comment"], updated_at=a["updated_at"]))
    approvals.sort(key=lambda a: list(PARTY_ROLES.values()).index(a["party_role_label"]))
    activity = [a for a in rooms.activity_for(room_id, limit=10_000) if not a["action"].startswith(META_ACTION_PREFIX)]
    r = rooms.readiness(room_id)
    model = ReportModel(
        template_version=TEMPLATE_VERSION,
        room=ReportRoom(id=room["id"], title=room["title"], location=room["location"], sts_eta=room["sts_eta"],
                        cargo_type=room["cargo_type"], cargo_quantity=room["cargo_quantity"],
                        description=room["description"], status=room["status"], created_at=room["created_at"],
                        created_by=room["created_by"]),
        vessels=[ReportVessel(id=v["id"], name=v["name"], imo=v["imo"], flag=v["flag"], vessel_type=v["vessel_type"],
                              role=v["role"], dwt=v["dwt"], length_m=v["length_m"]) for v in vessels],
        parties=[ReportParty(id=p["id"], role=p["role"], role_label=PARTY_ROLES[p["role"]], name=p["name"],
                             company=p["company"], email=p["email"]) for p in parties],
        documents=model_docs,
        approvals=approvals,
        activity=[ReportActivity(at=a["at"], actor=a["actor"], action=a["action"], details=a["details"])
                  for a in activity[:50]],
        readiness=ReadinessCounts(required=r["required"], approved=r["approved"], under_review=r["under_review"],
                                  missing=r["missing"], rejected=r["rejected"], expired=r["expired"],
                                  expiring_soon=r["expiring_soon"], ready=r["ready"]),
        included_files=included,
        content_key="",  # the key covers every other field: computed last, below
    )
    model["content_key"] = content_key(model)
    return model
