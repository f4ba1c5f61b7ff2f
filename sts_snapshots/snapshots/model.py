"""What a report shows: the report model of a room, gathered from the room and document services."""

from __future__ import annotations

from ..domain.catalogue import CATALOGUE
from ..domain.checklists import side_label
from ..domain.models import PARTY_ROLES
from ..domain.records import DocumentView, ReadinessCounts, SnapshotRecord
from ..domain.report_model import (
    DEFAULT_ACTIVITY_LIMIT,
    IncludedFile,
    ReportActivity,
    ReportApproval,
    ReportChecklist,
    ReportChecklistItem,
    ReportDocument,
    ReportModel,
    ReportOptions,
    ReportParty,
    ReportRoom,
    ReportSignOff,
    ReportVessel,
)
from ..report.evidence import Limits
from ..services.checklists import ChecklistService
from ..services.documents import DocumentService
from ..services.rooms import RoomService
from .content_key import TEMPLATE_VERSION, content_key

DEFAULT_LIMITS = Limits()  # the settings' defaults
# Snapshot events are about the record, not the room: leaving them out keeps an unchanged room's key stable.
META_ACTION_PREFIX = "snapshot"
# Far more than any room's log holds: gather() reads all of it to count what the report leaves out.
_WHOLE_LOG = 10**9
_ORDER = {t.code: i for i, t in enumerate(CATALOGUE)}


def _document(d: DocumentView, group: str) -> ReportDocument:
    latest = d["latest_version"]
    return ReportDocument(
        id=d["id"], group=group, type_code=d["type_code"], type_name=d["type_name"], category=d["category"],
        required=d["required"], criticality=d["criticality"], status=d["effective_status"],
        expires_on=d["expires_on"], expired=d["expired"], expiring_soon=d["expiring_soon"],
        expires_before_end=d["expires_before_end"], shortfall_days=d["shortfall_days"],
        operation_note=d["operation_note"],
        version=latest["number"] if latest else None, uploaded_by=latest["uploaded_by"] if latest else None,
        uploaded_at=latest["uploaded_at"] if latest else None, file_name=latest["file_name"] if latest else None,
        sha256=latest["sha256"] if latest else None,
        # a review is of the current version; records of older versions may lack the fields
        reviewed_by=d.get("reviewed_by") or None, reviewed_at=d.get("reviewed_at") or None,
        notes=d["notes"],
    )


def _included_file(d: DocumentView, group: str, limits: Limits) -> IncludedFile | None:
    """The latest version of ``d`` as an included file, judged under ``limits`` (they decide what the index prints,
    so they are part of the content key); its outcome (pages, reason) is the worker's."""
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
                        limit_pages=limits.pages, limit_total_pages=limits.total_pages, limit_bytes=limits.bytes,
                        limit_seconds=int(limits.seconds),
                        first_page=None, last_page=None, not_included=None)


def options_of(snapshot: SnapshotRecord) -> ReportOptions:
    """The report options a snapshot was requested with; a record older than an option has its default."""
    return ReportOptions(include_documents=bool(snapshot["include_documents"]),
                         include_activity=bool(snapshot.get("include_activity", True)),
                         include_approvals=bool(snapshot.get("include_approvals", True)),
                         activity_limit=int(snapshot.get("activity_limit", DEFAULT_ACTIVITY_LIMIT)))


def _checklists(checklists: ChecklistService | None, room_id: str) -> list[ReportChecklist]:
    if checklists is None:
        return []
    found = checklists.views_of(room_id)
    return [ReportChecklist(
        pair=c["pair"], mother=pair["mother_name"], daughter=pair["daughter_name"], number=c["position"] + 1,
        title=c["title"], template=f"{c['set_id']}@{c['set_version']}",
        state=c["state"], before_transfer=c["before_transfer"], repeatable=c["repeatable"],
        repeat_every_hours=c["repeat_every_hours"], round=c["round"], rounds=c["rounds"], latest=c["latest"],
        started_at=c["started_at"], started_by=c["started_by"] if c["round"] > 1 else "", sign_off=c["sign_off"],
        items=[ReportChecklistItem(id=i["id"], text=i["text"], side=side_label(i["side"]), required=i["required"],
                                   answer=i["answer"], remarks=i["remarks"], answered_by=i["answered_by"],
                                   answered_at=i["answered_at"]) for i in c["items"]],
        signoffs=[ReportSignOff(side=side_label(s["side"]), name=s["name"], rank=s["rank"], by=s["by"],
                                party_role=s["party_role"], at=s["at"], poac=s["poac"]) for s in c["signoffs"]],
        reopenings=[{"by": r["by"], "at": r["at"], "reason": r["reason"]} for r in c["reopenings"]])
        for pair in found["pairs"] for c in pair["checklists"]]


def gather_snapshot(rooms: RoomService, documents: DocumentService, snapshot: SnapshotRecord,
                    checklists: ChecklistService | None = None, limits: Limits = DEFAULT_LIMITS,
                    conflicts: list[str] | None = None) -> ReportModel:
    """The report model of ``snapshot``'s room as it is now, with the options the snapshot was requested with.

    :raises LookupError: the room no longer exists.
    """
    o = options_of(snapshot)
    return gather(rooms, documents, snapshot["room_id"], o["include_documents"], include_activity=o["include_activity"],
                  include_approvals=o["include_approvals"], activity_limit=o["activity_limit"], checklists=checklists,
                  limits=limits, conflicts=conflicts)


def gather(rooms: RoomService, documents: DocumentService, room_id: str, include_documents: bool, *,
           include_activity: bool = True, include_approvals: bool = True,
           activity_limit: int = DEFAULT_ACTIVITY_LIMIT, checklists: ChecklistService | None = None,
           limits: Limits = DEFAULT_LIMITS, conflicts: list[str] | None = None) -> ReportModel:
    """The report model of a room as it is now (the format: :mod:`sts_snapshots.domain.report_model`).

    :param include_activity: print the activity log (the newest ``activity_limit`` entries).
    :param include_approvals: print the parties' approvals.
    :param checklists: the checklist service, for the room's checklists (without it the report has none).
    :param limits: what an included file may cost (the settings ``include_max_*``).
    :param conflicts: the room's open merge conflicts, one line each (the cover names them).
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
        file = _included_file(d, group, limits) if include_documents else None
        if file is not None:
            included.append(file)
    approvals: list[ReportApproval] = []
    for a in rooms.approvals_of(room_id) if include_approvals else []:
        party = party_by_id.get(a["party_id"])
        if party:
            approvals.append(ReportApproval(party_name=party["name"], party_role_label=PARTY_ROLES[party["role"]],
                                            party_email=party["email"], status=a["status"], comment=a["comment"],
                                            updated_by=a.get("updated_by") or "", updated_at=a["updated_at"]))
    approvals.sort(key=lambda a: list(PARTY_ROLES.values()).index(a["party_role_label"]))
    log = rooms.activity_for(room_id, limit=_WHOLE_LOG) if include_activity else []
    activity = [a for a in log if not a["action"].startswith(META_ACTION_PREFIX)]
    r = rooms.readiness(room_id)
    model = ReportModel(
        template_version=TEMPLATE_VERSION,
        options=ReportOptions(include_documents=include_documents, include_activity=include_activity,
                              include_approvals=include_approvals, activity_limit=activity_limit),
        room=ReportRoom(id=room["id"], title=room["title"], location=room["location"], sts_eta=room["sts_eta"],
                        cargo_type=room["cargo_type"], cargo_quantity=room["cargo_quantity"],
                        description=room["description"], status=room["status"], created_at=room["created_at"],
                        created_by=room["created_by"], planned_hours=room["planned_hours"]),
        vessels=[ReportVessel(id=v["id"], name=v["name"], imo=v["imo"], flag=v["flag"], vessel_type=v["vessel_type"],
                              role=v["role"], dwt=v["dwt"], length_m=v["length_m"]) for v in vessels],
        parties=[ReportParty(id=p["id"], role=p["role"], role_label=PARTY_ROLES[p["role"]], name=p["name"],
                             company=p["company"], email=p["email"]) for p in parties],
        documents=model_docs,
        approvals=approvals,
        activity=[ReportActivity(at=a["at"], actor=a["actor"], action=a["action"], details=a["details"])
                  for a in activity[:max(activity_limit, 0)]],
        activity_total=len(activity),
        readiness=ReadinessCounts(required=r["required"], approved=r["approved"], under_review=r["under_review"],
                                  missing=r["missing"], rejected=r["rejected"], expired=r["expired"],
                                  expiring_soon=r["expiring_soon"], expires_before_end=r["expires_before_end"],
                                  checklists_required=r["checklists_required"],
                                  checklists_signed=r["checklists_signed"], ready=r["ready"]),
        operation_window=rooms.window(room).view(),
        checklists=_checklists(checklists, room_id),
        included_files=included,
        content_key="",  # the key covers every other field: computed last, below
    )
    if conflicts:
        model["conflicts"] = list(conflicts)
    model["content_key"] = content_key(model)
    return model
