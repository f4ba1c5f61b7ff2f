"""Builders of realistic report models (the ``ReportModel`` that ``render_body``/``render_cover`` take) for tests.

Catalogue document types and party roles, every status, and much text outside Latin-1.
"""

from __future__ import annotations

import hashlib

from sts_snapshots.domain.catalogue import BY_CODE, CATALOGUE, DocumentType
from sts_snapshots.domain.models import PARTY_ROLES
from sts_snapshots.domain.records import ReadinessCounts
from sts_snapshots.domain.report_model import (
    IncludedFile,
    ReportApproval,
    ReportDocument,
    ReportModel,
    ReportOptions,
    ReportParty,
    SnapshotFacts,
)

MOTHER = "Mother vessel — MT Nordic Ørsted"
DAUGHTER = "Daughter vessel — MT Ωμέγα Spirit"
OPERATION = "Operation"

VESSEL_TYPES = [t for t in CATALOGUE if t.scope == "vessel"]
OPERATION_TYPES = [t for t in CATALOGUE if t.scope == "operation"]
STATUSES = ["approved", "approved", "under_review", "missing", "approved", "rejected", "expired", "approved"]
PEOPLE = ["Ingrid Ørsted", "Hans Müller", "João Silva (São Paulo)", "Αλέξανδρος Παπαδόπουλος", "Иван Петров"]
NOTES = [
    "",
    "Checked against the vessel's class records; matches the latest survey.",
    "Entry confirmed by the club by email — cover extends to STS operations in the nominated area.",
    "Awaiting the countersigned copy from the owners. Charterer's broker chasing; premium €1,250 paid.",
    "Rejected: wrong vessel name on page 2 (MT Nordic Orsted instead of MT Nordic Ørsted). Owners asked to "
    "reissue. Привет from the Novorossiysk agent, who confirmed the corrected copy is on its way.",
]
LONG_NOTE = (
    "Mooring master review: the plan shows four head lines and four stern lines of 44 mm HMPE on the mother "
    "vessel with 11 m pennants, two breast lines fore and aft, and two springs. Winch brake holding capacity "
    "tested on 2026-10-02 at 60% MBL. Fairlead positions on the daughter vessel were checked against the "
    "compatibility study and the parallel body overlap is sufficient at the expected freeboards during the "
    "whole transfer. Yokohama fenders 3.3 x 6.5 m are to be rigged on the mother vessel, with two secondary "
    "fenders at the shoulders. The weather limits agreed in the joint plan of operation apply: wind 25 knots, "
    "significant wave height 2.0 m; beyond these the operation is suspended and hoses are drained. "
) * 3 + "Final word: acknowledged-by-POAC."


def content_key(seed: str) -> str:
    """A 64-hex content key derived from ``seed``."""
    return hashlib.sha256(seed.encode()).hexdigest()


def _document(index: int, group: str, dtype: DocumentType, supplement: int) -> ReportDocument:
    """Document number ``index`` of the model; a ``supplement`` > 0 is a further copy of a type the group has."""
    status = STATUSES[index % len(STATUSES)]
    if status == "expired" and not dtype.has_expiry:
        status = "approved"
    has_file = status != "missing"
    expired = status == "expired"
    if not dtype.has_expiry:
        expires_on = None
    elif expired:
        expires_on = f"2026-{(index % 9) + 1:02d}-30"
    else:
        expires_on = f"2027-{(index % 12) + 1:02d}-10"
    # an approved certificate lapsing during the operation (ETA 3 December + 48 h)
    short = 2 if dtype.has_expiry and status == "approved" and index % 11 == 5 else 0
    if short:
        expires_on = "2026-12-03"
    return ReportDocument(
        id=f"doc-{index:04d}",
        group=group,
        type_code=dtype.code,
        type_name=f"{dtype.name} (supplement {supplement})" if supplement else dtype.name,
        category=dtype.category,
        required=dtype.required,
        criticality=dtype.criticality,
        status=status,
        expires_on=expires_on,
        expired=expired,
        expiring_soon=dtype.has_expiry and index % 7 == 3 and not expired,
        expires_before_end=short > 0, shortfall_days=short,
        operation_note=f"expires {short} days before the end of the operation (ETA + 48 h)" if short else "",
        version=(index % 3) + 1 if has_file else None,
        uploaded_by=PEOPLE[index % len(PEOPLE)] if has_file else None,
        uploaded_at=f"2026-11-{(index % 27) + 1:02d}T09:{index % 60:02d}:00+00:00" if has_file else None,
        file_name=f"{dtype.code.lower()}_{group.split(maxsplit=1)[0].lower()}_v{index % 3 + 1}.pdf" if has_file
        else None,
        sha256=hashlib.sha256(f"file-{index}".encode()).hexdigest() if has_file else None,
        reviewed_by=PEOPLE[(index + 1) % len(PEOPLE)] if status in ("approved", "rejected") and index % 5 else None,
        reviewed_at=f"2026-11-{(index % 27) + 1:02d}T15:{index % 60:02d}:00+00:00"
        if status in ("approved", "rejected") and index % 5 else None,
        notes=NOTES[index % len(NOTES)],
    )


def documents(count: int) -> list[ReportDocument]:
    """``count`` documents ordered by group then catalogue order; the last one has LONG_NOTE.

    A group holds each of its catalogue types once, then (for large counts) supplements of them.
    """
    docs: list[ReportDocument] = []
    groups = [(MOTHER, VESSEL_TYPES), (DAUGHTER, VESSEL_TYPES), (OPERATION, OPERATION_TYPES)]
    per_group = [count // 3 + (1 if i < count % 3 else 0) for i in range(3)]
    for (group, types), n in zip(groups, per_group, strict=True):
        for j in range(n):
            docs.append(_document(len(docs), group, types[j % len(types)], j // len(types)))
    docs[-1]["notes"] = LONG_NOTE
    return docs


def _readiness(docs: list[ReportDocument]) -> ReadinessCounts:
    required = [d for d in docs if d["required"]]

    def count(status: str) -> int:
        return sum(1 for d in required if d["status"] == status)

    approved = count("approved")
    return ReadinessCounts(required=len(required), approved=approved, under_review=count("under_review"),
                           missing=count("missing"), rejected=count("rejected"), expired=count("expired"),
                           expiring_soon=sum(1 for d in required if d["expiring_soon"]),
                           expires_before_end=sum(1 for d in required if d["expires_before_end"]),
                           checklists_required=0, checklists_signed=0,
                           ready=approved == len(required))


def _party(number: int, role: str, name: str, company: str, email: str) -> ReportParty:
    return ReportParty(id=f"p{number}", role=role, role_label=PARTY_ROLES[role], name=name, company=company,
                       email=email)


def _approval(party: ReportParty, status: str, comment: str, updated_at: str, by: str | None = None) -> ReportApproval:
    return ReportApproval(party_name=party["name"], party_role_label=party["role_label"], party_email=party["email"],
                          status=status, comment=comment,
                          updated_by=party["email"] if by is None and status != "pending" else by or "",
                          updated_at=updated_at)


def _included_files() -> list[IncludedFile]:
    return [
        IncludedFile(document=BY_CODE["Q88"].name, group=MOTHER, vessel="MT Nordic Ørsted", status="approved",
                     version=2, uploaded_by="master@nordic.example", uploaded_at="2026-11-20T09:00:00+00:00",
                     file_name="q88_mother_v2.pdf", sha256=hashlib.sha256(b"q88").hexdigest(), size=284_113,
                     mime="application/pdf", file_id="f-q88-mother-2", kind="pdf", limit_pages=200,
                     limit_total_pages=1000, limit_bytes=50 * 1024 * 1024, limit_seconds=10, first_page=12,
                     last_page=15, not_included=None),
        IncludedFile(document=BY_CODE["CREW"].name, group=DAUGHTER, vessel="MT Ωμέγα Spirit",
                     status="rejected", version=1, uploaded_by="ops@daughter.example",
                     uploaded_at="2026-11-21T10:00:00+00:00", file_name="crew_list_Ωμέγα_scan.png",
                     sha256=hashlib.sha256(b"crew").hexdigest(), size=1_922_047, mime="image/png",
                     file_id="f-crew-daughter-1", kind="image", limit_pages=200, limit_total_pages=1000,
                     limit_bytes=50 * 1024 * 1024, limit_seconds=10, first_page=None, last_page=None,
                     not_included="unreadable or damaged image (damaged PNG)"),
    ]


def model(count: int = 30, included: bool = True) -> ReportModel:
    """A complete report model with ``count`` documents."""
    docs = documents(count)
    parties = [
        _party(1, "mother_owner", "Ingrid Ørsted", "Nordic Tankers A/S", "ingrid@nordictankers.example"),
        _party(2, "daughter_owner", "Αλέξανδρος Παπαδόπουλος", "Ωμέγα Maritime S.A.", "alex@omega.example"),
        _party(3, "sts_provider", "Hans Müller", "Müller STS Services GmbH", "ops@mueller-sts.example"),
        _party(4, "mooring_master", "Иван Петров", "Müller STS Services GmbH", "ivan.petrov@mueller-sts.example"),
        _party(5, "charterer", "João Silva", "Petro São Paulo Trading Ltda.", "joao.silva@petrosp.example"),
        _party(6, "broker", "Claire Dubois", "Dubois & Fils Shipbroking", "claire@dubois.example"),
    ]
    return ReportModel(
        template_version="2",
        options=ReportOptions(include_documents=included, include_activity=True, include_approvals=True,
                              activity_limit=2000),
        content_key=content_key(f"model-{count}-{included}"),
        room={
            "id": "room-4f9a2c",
            "title": "MT Nordic Ørsted / MT Ωμέγα Spirit — Skaw STS, December",
            "location": "Skagen anchorage (Skaw), Denmark — 57°46′N 010°43′E",
            "sts_eta": "2026-12-03T06:00:00+00:00",
            "cargo_type": "ULSD 10 ppm",
            "cargo_quantity": "85,000 mt ± 5% — invoice value approx. €61 million",
            "description": (
                "Ship-to-ship transfer of diesel from the mother vessel to the daughter vessel at the Skaw anchorage. "
                "Agents: Müller Shipping (Hamburg). Mooring master supplied by the STS service provider; "
                "charterer's representative from São Paulo attends remotely. Греческий и русский текст: Ωμέγα, Привет."
            ),
            "status": "docs_pending",
            "created_at": "2026-11-20T08:30:00+00:00",
            "created_by": "ingrid@nordictankers.example",
            "planned_hours": 48,
        },
        checklists=[{"pair": "MT Nordic Ørsted / MT Ωμέγα Spirit", "mother": "MT Nordic Ørsted",
                     "daughter": "MT Ωμέγα Spirit", "number": 2, "title": "Pre-arrival",
                     "template": "generic-sample@1",
                     "state": "signing", "before_transfer": True, "repeatable": False, "repeat_every_hours": None,
                     "round": 1, "rounds": 1, "latest": True, "started_at": "2026-11-20T08:30:00+00:00",
                     "started_by": "",
                     "sign_off": ["mother", "daughter"],
                     "items": [{"id": "2.1", "text": "Crew briefed on the transfer plan.", "side": "Mother vessel",
                                "required": True, "answer": "yes", "remarks": "Briefed at 08:00 — Ωμέγα",
                                "answered_by": PEOPLE[0], "answered_at": "2026-11-27T08:10:00+00:00"},
                               {"id": "2.2", "text": "Fenders on site.", "side": "POAC", "required": False,
                                "answer": None, "remarks": "", "answered_by": None, "answered_at": None}],
                     "signoffs": [{"side": "Mother vessel", "name": "Jürgen Müller", "rank": "Master",
                                   "by": PEOPLE[0], "party_role": "Master", "at": "2026-11-27T09:00:00+00:00",
                                   "poac": "Ingrid Ørsted"}],
                     "reopenings": [{"by": "admin@sts.example", "at": "2026-11-27T08:30:00+00:00",
                                     "reason": "Wrong vessel named"}]}],
        operation_window={"basis": "eta", "start": "2026-12-03T06:00+00:00", "end": "2026-12-05T06:00+00:00",
                          "planned_hours": 48, "label": "ETA + 48 h"},
        vessels=[
            {
                "id": "v1",
                "name": "MT Nordic Ørsted",
                "imo": "9321483",
                "flag": "Denmark",
                "vessel_type": "Aframax tanker",
                "role": "mother",
                "dwt": 115_000,
                "length_m": 249.9,
            },
            {
                "id": "v2",
                "name": "MT Ωμέγα Spirit",
                "imo": "9412345",
                "flag": "Greece",
                "vessel_type": "MR product tanker",
                "role": "daughter",
                "dwt": 49_990,
                "length_m": 183.0,
            },
        ],
        parties=parties,
        documents=docs,
        approvals=[
            _approval(parties[0], "approved", "Approved subject to weather limits in the JPO.",
                      "2026-11-27T10:00:00+00:00"),
            _approval(parties[2], "pending", "", "2026-11-26T16:20:00+00:00"),
            _approval(parties[4], "rejected",
                      "P&I entry for the daughter vessel must be reissued — see document notes.",
                      "2026-11-27T18:45:00+00:00", by="admin@sts.example"),
        ],
        activity=[
            {
                "at": f"2026-11-{27 - i // 4:02d}T{(18 - i % 4 * 3):02d}:15:00+00:00",
                "actor": PEOPLE[i % len(PEOPLE)],
                "action": ["document uploaded", "document reviewed", "approval changed", "room updated"][i % 4],
                "details": f"{docs[i % len(docs)]['type_name']} — {docs[i % len(docs)]['group']}",
            }
            for i in range(12)
        ],
        activity_total=12,
        readiness=_readiness(docs),
        included_files=_included_files() if included else [],
    )


def facts(report: ReportModel | None = None) -> SnapshotFacts:
    """Per-snapshot facts for the cover and the page stamp (of ``report``, when given)."""
    return SnapshotFacts(
        snapshot_id="7c1e4b2a9d3f48e6a0b5c7d9e1f20345",
        title="Room Status Snapshot - 2026-11-28 14:05",
        content_key=report["content_key"] if report else "",
        generated_at="2026-11-28 14:05:12 UTC",
        generated_by="Ingrid Ørsted <ingrid@nordictankers.example>",
    )
