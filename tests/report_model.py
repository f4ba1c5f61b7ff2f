"""Builders for realistic report models (the dict ``render_body``/``render_cover`` take) used by the report tests."""

from __future__ import annotations

import hashlib
from typing import Any

MOTHER = "Mother vessel — MT Nordic Ørsted"
DAUGHTER = "Daughter vessel — MT Ωμέγα Spirit"
OPERATION = "Operation"

VESSEL_DOCS = [
    ("Q88", "Q88 questionnaire", "Vessel particulars", "high"),
    ("PANDI", "P&I certificate of entry", "Certificates", "high"),
    ("CLC", "CLC certificate", "Certificates", "high"),
    ("IOPP", "IOPP certificate", "Certificates", "high"),
    ("SMC", "ISM Safety Management Certificate", "Certificates", "medium"),
    ("DOC", "ISM Document of Compliance", "Certificates", "medium"),
    ("ISSC", "ISSC (ISPS) certificate", "Certificates", "medium"),
    ("MOOR", "Mooring plan", "Operational", "high"),
    ("CREW", "Crew list", "Operational", "low"),
    ("CLASS", "Class certificate", "Certificates", "medium"),
    ("L3C", "Last three cargoes", "Operational", "low"),
]
OPERATION_DOCS = [
    ("JPO", "Joint plan of operation", "Planning", "high"),
    ("RISK", "Risk assessment", "Planning", "high"),
    ("FEND", "Fender certificates", "Equipment", "medium"),
    ("HOSE", "Hose certificates", "Equipment", "medium"),
    ("POAC", "POAC qualification record", "People", "medium"),
    ("AUTH", "Port authority permission", "Permits", "high"),
    ("WX", "Weather and sea-state forecast", "Planning", "low"),
    ("COMP", "Ship compatibility study", "Planning", "medium"),
]
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


def _document(index: int, group: str, spec: tuple[str, str, str, str]) -> dict[str, Any]:
    code, name, category, criticality = spec
    status = STATUSES[index % len(STATUSES)]
    has_file = status != "missing"
    return {
        "id": f"doc-{index:04d}",
        "group": group,
        "type_code": code,
        "type_name": name,
        "category": category,
        "required": index % 5 != 4,
        "criticality": criticality,
        "status": status,
        "expires_on": f"2027-{(index % 12) + 1:02d}-10" if index % 3 else None,
        "expired": status == "expired",
        "expiring_soon": index % 7 == 3 and index % 3 != 0 and status != "expired",
        "version": (index % 3) + 1 if has_file else None,
        "uploaded_by": PEOPLE[index % len(PEOPLE)] if has_file else None,
        "uploaded_at": f"2026-11-{(index % 27) + 1:02d}T09:{index % 60:02d}:00+00:00" if has_file else None,
        "file_name": f"{code.lower()}_{group.split(maxsplit=1)[0].lower()}_v{index % 3 + 1}.pdf" if has_file else None,
        "notes": NOTES[index % len(NOTES)],
    }


def documents(count: int) -> list[dict[str, Any]]:
    """``count`` documents ordered by group then type; the last one has type "Final check ..." and LONG_NOTE."""
    docs: list[dict[str, Any]] = []
    groups = [(MOTHER, VESSEL_DOCS), (DAUGHTER, VESSEL_DOCS), (OPERATION, OPERATION_DOCS)]
    per_group = [count // 3 + (1 if i < count % 3 else 0) for i in range(3)]
    for (group, specs), n in zip(groups, per_group, strict=True):
        for j in range(n):
            code, name, category, criticality = specs[j % len(specs)]
            if j >= len(specs):
                code, name = f"{code}{j // len(specs) + 1}", f"{name} (supplement {j // len(specs)})"
            docs.append(_document(len(docs), group, (code, name, category, criticality)))
    docs[-1]["type_name"] = "Final check of the transfer hoses"
    docs[-1]["notes"] = LONG_NOTE
    return docs


def model(count: int = 30, included: bool = True) -> dict[str, Any]:
    """A complete report model with ``count`` documents."""
    docs = documents(count)
    required = [d for d in docs if d["required"]]
    readiness = {
        "required": len(required),
        **{
            s: sum(1 for d in required if d["status"] == s) for s in ("approved", "under_review", "missing", "rejected")
        },
        "expired": sum(1 for d in required if d["expired"]),
        "expiring_soon": sum(1 for d in required if d["expiring_soon"]),
    }
    readiness["ready"] = readiness["approved"] == readiness["required"]
    files = [
        {
            "document": "Q88 questionnaire",
            "group": MOTHER,
            "file_name": "q88_mother_v2.pdf",
            "sha256": hashlib.sha256(b"q88").hexdigest(),
            "size": 284_113,
            "mime": "application/pdf",
            "kind": "pdf",
        },
        {
            "document": "Crew list",
            "group": DAUGHTER,
            "file_name": "crew_list_Ωμέγα_scan.png",
            "sha256": hashlib.sha256(b"crew").hexdigest(),
            "size": 1_922_047,
            "mime": "image/png",
            "kind": "attachment",
        },
    ]
    return {
        "template_version": "1",
        "content_key": content_key(f"model-{count}-{included}"),
        "room": {
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
            "created_by": "Ingrid Ørsted",
        },
        "vessels": [
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
        "parties": [
            {
                "id": "p1",
                "role": "owner_mother",
                "role_label": "Owner (mother vessel)",
                "name": "Ingrid Ørsted",
                "company": "Nordic Tankers A/S",
                "email": "ingrid@nordictankers.example",
            },
            {
                "id": "p2",
                "role": "owner_daughter",
                "role_label": "Owner (daughter vessel)",
                "name": "Αλέξανδρος Παπαδόπουλος",
                "company": "Ωμέγα Maritime S.A.",
                "email": "alex@omega.example",
            },
            {
                "id": "p3",
                "role": "sts_provider",
                "role_label": "STS service provider",
                "name": "Hans Müller",
                "company": "Müller STS Services GmbH",
                "email": "ops@mueller-sts.example",
            },
            {
                "id": "p4",
                "role": "poac",
                "role_label": "Mooring master (POAC)",
                "name": "Иван Петров",
                "company": "Müller STS Services GmbH",
                "email": "ivan.petrov@mueller-sts.example",
            },
            {
                "id": "p5",
                "role": "charterer",
                "role_label": "Charterer",
                "name": "João Silva",
                "company": "Petro São Paulo Trading Ltda.",
                "email": "joao.silva@petrosp.example",
            },
            {
                "id": "p6",
                "role": "broker",
                "role_label": "Broker",
                "name": "Claire Dubois",
                "company": "Dubois & Fils Shipbroking",
                "email": "claire@dubois.example",
            },
        ],
        "documents": docs,
        "approvals": [
            {
                "party_name": "Ingrid Ørsted",
                "party_role_label": "Owner (mother vessel)",
                "status": "approved",
                "comment": "Approved subject to weather limits in the JPO.",
                "updated_at": "2026-11-27T10:00:00+00:00",
            },
            {
                "party_name": "Hans Müller",
                "party_role_label": "STS service provider",
                "status": "pending",
                "comment": "",
                "updated_at": "2026-11-26T16:20:00+00:00",
            },
            {
                "party_name": "João Silva",
                "party_role_label": "Charterer",
                "status": "rejected",
                "comment": "P&I entry for the daughter vessel must be reissued — see document notes.",
                "updated_at": "2026-11-27T18:45:00+00:00",
            },
        ],
        "activity": [
            {
                "at": f"2026-11-{27 - i // 4:02d}T{(18 - i % 4 * 3):02d}:15:00+00:00",
                "actor": PEOPLE[i % len(PEOPLE)],
                "action": ["uploaded document", "approved document", "rejected document", "commented"][i % 4],
                "details": f"{docs[i % len(docs)]['type_name']} — {docs[i % len(docs)]['group']}",
            }
            for i in range(12)
        ],
        "readiness": readiness,
        "included_files": files if included else [],
    }


def facts() -> dict[str, str]:
    """Per-snapshot facts for the cover and the page stamp."""
    return {
        "snapshot_id": "7c1e4b2a9d3f48e6a0b5c7d9e1f20345",
        "title": "Room Status Snapshot - 2026-11-28 14:05",
        "generated_at": "2026-11-28 14:05:12 UTC",
        "generated_by": "Ingrid Ørsted <ingrid@nordictankers.example>",
    }
