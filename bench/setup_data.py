"""Data folders for the bench: the demo room plus rooms of exactly N documents, made with the app's own services.

The rooms are built before the server starts (the server holds the data folder's lock while it runs), through
the same ``RoomService`` / ``DocumentService`` calls the API uses, so their records are what the app writes.
Documents past the catalogue's required set are extra operation documents, as the engine's 200-document test
adds them. Four of every five documents have an uploaded file (mostly one-page PDFs, some PNG images); the
rest stay missing. A template folder is built once per bench run and copied for every server start.
"""

from __future__ import annotations

import json
import logging
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

from sts_snapshots.app import build_app, seed_if_empty
from sts_snapshots.context import StsApp
from sts_snapshots.demo import ADMIN_EMAIL
from sts_snapshots.demo.files import mooring_sketch_png, simple_pdf
from sts_snapshots.domain.catalogue import BY_CODE, types_for
from sts_snapshots.domain.documents import Document
from sts_snapshots.domain.records import DocumentRecord
from sts_snapshots.domain.time import utcnow
from sts_snapshots.settings import Settings

log = logging.getLogger("bench")
ROOMS_FILE = "bench-rooms.json"
VESSELS = ({"name": "MT Bench Mother", "imo": "9321483", "role": "mother", "flag": "Norway", "dwt": 158_000,
            "vessel_type": "Crude oil tanker (Suezmax)", "length_m": 274.2},
           {"name": "MT Bench Daughter", "imo": "9376543", "role": "daughter", "flag": "Liberia", "dwt": 105_400,
            "vessel_type": "Crude oil tanker (Aframax)", "length_m": 243.8})
PARTIES = (("mother_owner", "Jürgen Müller", "Nordic Tankers AS", "owner@bench.example"),
           ("charterer", "Ελένη Παπαδοπούλου", "Aegean Crude Trading S.A.", "charterer@bench.example"))


def open_app(folder: Path) -> StsApp:
    return build_app(Settings.load({"data_dir": folder, "workers": 0, "demo": True}, env={}))


def make_room(sts: StsApp, documents: int) -> str:
    """A room with exactly ``documents`` documents (at least 8: the operation's required set); returns its id."""
    admin = sts.users.get(ADMIN_EMAIL)
    assert admin is not None
    eta = (utcnow() + timedelta(days=4)).replace(microsecond=0).isoformat()
    room = sts.rooms.create_room(admin, {
        "title": f"Bench room — {documents} documents", "location": "Skagen anchorage, Area 2, Denmark",
        "sts_eta": eta, "cargo_type": "Crude oil", "cargo_quantity": "100 000 t", "status": "docs_pending",
        "description": "A room made by the benchmark, sized by its number of documents."})
    room_id = str(room["id"])
    for role, name, company, email in PARTIES:
        sts.rooms.add_party(admin, room_id, {"role": role, "name": name, "company": company, "email": email})
    if documents >= 8 + 2 * len(types_for("vessel")):
        for vessel in VESSELS:
            sts.rooms.add_vessel(admin, room_id, dict(vessel))
    have = len(sts.rooms.documents_of(room_id))
    if documents < have:
        raise ValueError(f"a room has at least {have} documents, not {documents}")
    kinds = [t.code for t in types_for("operation")]
    # more documents than a room requires: written to the store file, as a room grown over years would hold them
    sts.stores.rooms.database(room_id).table("documents").insert_many([
        Document(room_id=room_id, type_code=kinds[i % len(kinds)],
                 notes=f"Additional {BY_CODE[kinds[i % len(kinds)]].name.lower()} no. {i + 1} for this operation, "
                       "kept with the clearance record.").to_record()
        for i in range(documents - have)])
    for i, doc in enumerate(sts.rooms.documents_of(room_id)):
        _fill(sts, admin, room_id, doc, i)
    return room_id


def _fill(sts: StsApp, admin: Any, room_id: str, doc: DocumentRecord, i: int) -> None:
    if i % 5 == 4:
        return  # stays missing
    dtype = BY_CODE[doc["type_code"]]
    if i % 10 == 3:
        name, data, mime = f"sketch-{i}.png", mooring_sketch_png(), "image/png"
    else:
        name, data, mime = f"{dtype.code.lower()}-{i}.pdf", simple_pdf(dtype.name, [f"Bench document {i}"]), \
            "application/pdf"
    sts.documents.upload(admin, room_id, doc["id"], name, data, mime)
    changes: dict[str, Any] = {}
    if i % 5 in (0, 1):
        changes["status"] = "approved"
    elif i % 5 == 2:
        changes |= {"status": "rejected", "notes": "Pages missing; please resend the complete document."}
    if dtype.has_expiry and i % 5 != 3:
        changes["expires_on"] = (utcnow() + timedelta(days=20 + 37 * (i % 11))).date().isoformat()
    if changes:
        sts.documents.review(admin, room_id, doc["id"], changes)


def build_template(folder: Path, sizes: tuple[int, ...] = ()) -> dict[str, str]:
    """Seed the demo data and one room per size into ``folder``; returns ``{"demo": id, "docs10": id, ...}``."""
    sts = open_app(folder)
    try:
        seed_if_empty(sts)
        rooms = {"demo": sts.rooms.room_ids()[0]}
        for size in sizes:
            rooms[f"docs{size}"] = make_room(sts, size)
            log.info("made a room of %d documents", size)
    finally:
        sts.stores.close()
    (folder / ROOMS_FILE).write_text(json.dumps(rooms))
    return rooms


def fresh_copy(template: Path, target: Path) -> Path:
    """A copy of the template data folder for one server run."""
    shutil.copytree(template, target, ignore=shutil.ignore_patterns("server.lock", "*-server.log"))
    return target


def room_ids(folder: Path) -> dict[str, str]:
    return dict(json.loads((folder / ROOMS_FILE).read_text()))
