"""A realistic demo room, seeded only into an empty data folder."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..domain.catalogue import BY_CODE
from ..domain.records import RoomRecord
from ..domain.time import utcnow
from ..services.checklists import ChecklistService
from ..services.documents import DocumentService
from ..services.rooms import RoomService
from ..services.users import LOCAL_ADMIN, User, UserService
from .checklists import seed_checklists
from .files import mooring_sketch_png, simple_pdf
from .logins import ADMIN_EMAIL, ADMIN_PASSWORD, DEMO_HASHES, MEMBER_EMAIL, MEMBER_PASSWORD

PARTIES = [
    ("mooring_master", "Ingrid Ørsted", "Skagen STS Services ApS", MEMBER_EMAIL),
    ("mother_owner", "Jürgen Müller", "Nordic Tankers AS", "juergen.mueller@nordictankers.example"),
    ("daughter_owner", "João da Silva", "Companhia de Navegação São Paulo", "joao.silva@cnsp.example"),
    ("charterer", "Ελένη Παπαδοπούλου", "Aegean Crude Trading S.A.", "eleni.p@aegeancrude.example"),
    ("broker", "Дмитрий Иванов", "Baltic Chartering Ltd", "d.ivanov@balticchartering.example"),
]

# (type code, status, days until expiry or None, note) for the mother, daughter and operation.
MOTHER = [("Q88", "approved", None, "Q88 v6, matches class records."), ("PI_COE", "approved", 210, ""),
          ("CLC", "approved", 5, "Renewal requested from the club; current certificate valid until the date shown."),
          ("IOPP", "approved", 300, ""), ("ISM_SMC", "approved", 400, ""), ("ISM_DOC", "approved", 380, ""),
          ("ISSC", "approved", -5, "Certificate expired last week: the owner must send the renewed ISSC."),
          ("CLASS", "under_review", 20, ""), ("SOLAS_SC", "approved", 500, ""), ("SOLAS_SE", "approved", 90, ""),
          ("STS_PLAN", "approved", None, ""), ("MOORING", "under_review", None, "Sketch received; drawing to follow."),
          ("CREW", "approved", None, "")]
DAUGHTER = [("Q88", "approved", None, ""), ("PI_COE", "approved", 150, ""), ("CLC", "under_review", 160, ""),
            ("IOPP", "rejected", 200, "Supplement form B is missing pages 3 and 4; please resend the complete form."),
            ("ISM_SMC", "approved", 250, ""), ("ISM_DOC", "approved", 25, ""), ("ISSC", "approved", 600, ""),
            ("CLASS", "missing", None, ""), ("SOLAS_SC", "approved", 410, ""), ("SOLAS_SE", "missing", None, ""),
            ("STS_PLAN", "approved", None, ""), ("MOORING", "approved", None, ""), ("CREW", "missing", None, "")]
OPERATION = [("FENDER", "approved", 100, "4 × Yokohama 3.3 × 6.5 m primary fenders, 2 secondary."),
             ("HOSE", "approved", 45, "2 × 10\" hoses, pressure tested 2026-06-12 at 22.5 bar."),
             ("JPO", "under_review", None, ""), ("MCA", "approved", None, ""), ("MSDS", "approved", None, ""),
             ("RISK", "under_review", None, ""),
             ("PERMIT", "missing", None, "Application filed with the Danish Maritime Authority."),
             ("CHECKLIST", "missing", None, "")]


def seed_demo(users: UserService, rooms: RoomService, documents: DocumentService,
              checklists: ChecklistService | None = None) -> RoomRecord:
    """Create the demo users and room; returns the room record. Call only on an empty data folder."""
    admin = users.add(LOCAL_ADMIN, ADMIN_EMAIL, ADMIN_PASSWORD, role="admin", name="Søren Madsen",
                      password_hash=DEMO_HASHES[ADMIN_EMAIL])
    member = users.add(LOCAL_ADMIN, MEMBER_EMAIL, MEMBER_PASSWORD, role="user", name="Ingrid Ørsted",
                       password_hash=DEMO_HASHES[MEMBER_EMAIL])
    eta = (utcnow() + timedelta(days=5)).replace(hour=6, minute=0, second=0, microsecond=0)
    room = rooms.create_room(admin, {
        "title": "Skaw STS — MT Nordic Ørsted / MT São Paulo Star", "location": "Skagen anchorage, Area 2, Denmark",
        "sts_eta": eta.isoformat(), "cargo_type": "Crude oil (Johan Sverdrup blend)", "cargo_quantity": "95 000 t",
        "status": "docs_pending",
        "description": "Ship-to-ship transfer of crude oil at anchor, mother vessel on the starboard side. "
                       "Weather limits: wind 25 kn, significant wave height 2.0 m. Contact the POAC on VHF 16/73.",
    }, party_role="sts_provider")
    room_id = room["id"]
    for role, name, company, email in PARTIES:
        rooms.add_party(admin, room_id, {"role": role, "name": name, "company": company, "email": email})
    mother = rooms.add_vessel(admin, room_id, {"name": "MT Nordic Ørsted", "imo": "9321483", "role": "mother",
                                               "flag": "Norway", "vessel_type": "Crude oil tanker (Suezmax)",
                                               "dwt": 158_000, "length_m": 274.2})
    daughter = rooms.add_vessel(admin, room_id, {"name": "MT São Paulo Star", "imo": "9376543", "role": "daughter",
                                                 "flag": "Liberia", "vessel_type": "Crude oil tanker (Aframax)",
                                                 "dwt": 105_400, "length_m": 243.8})
    plan = [(mother, MOTHER), (daughter, DAUGHTER), (None, OPERATION)]
    uploader = User(email=MEMBER_EMAIL, name="Ingrid Ørsted", role="user")
    for vessel, items in plan:
        for code, status, expiry_days, note in items:
            doc = next(d for d in rooms.documents_of(room_id)
                       if d["type_code"] == code and d["vessel_id"] == (vessel["id"] if vessel else None))
            if status != "missing":
                name, data, mime = _demo_file(code, vessel["name"] if vessel else "STS operation")
                documents.upload(uploader, room_id, doc["id"], name, data, mime)
            changes: dict[str, Any] = {}
            if status in ("approved", "rejected"):
                changes["status"] = status
            if note:
                changes["notes"] = note
            if expiry_days is not None and BY_CODE[code].has_expiry:
                changes["expires_on"] = (utcnow() + timedelta(days=expiry_days)).date().isoformat()
            if changes:
                documents.review(admin, room_id, doc["id"], changes)
    for party in rooms.parties_of(room_id):
        if party["role"] in ("mother_owner", "charterer"):
            rooms.set_approval(admin, room_id, party["id"], "approved", "Cleared from our side.")
        if party["role"] == "daughter_owner":
            rooms.set_approval(admin, room_id, party["id"], "rejected", "IOPP supplement to be resent.")
    history = [(9, ADMIN_EMAIL, "operation nominated", "Charter party fixture recap received"),
               (8, "eleni.p@aegeancrude.example", "comment", "Laycan 3–5 December confirmed"),
               (7, member.email, "comment", "Fender and hose certificates requested")]
    for days, actor, action, details in history:
        at = (utcnow() - timedelta(days=days)).isoformat(timespec="seconds")
        rooms.log(room_id, actor, action, details, at=at)
    if checklists is not None:
        seed_checklists(admin, rooms, checklists, room_id, uploader)
    return rooms.get(room_id) or room


def _demo_file(code: str, vessel: str) -> tuple[str, bytes, str]:
    dtype = BY_CODE[code]
    if code == "MOORING":
        return "mooring-sketch.png", mooring_sketch_png(), "image/png"
    lines = [f"Vessel / operation: {vessel}", f"Document: {dtype.name}", f"Category: {dtype.category}",
             "Issued for the Skaw STS operation (demo data).", "This is a sample document generated by STS Snapshots."]
    return f"{code.lower()}.pdf", simple_pdf(dtype.name, lines), "application/pdf"
