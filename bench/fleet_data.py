"""A fleet-sized data folder, written fast through the stores (not over HTTP): the demo data plus generated rooms.

Each generated room has two vessels, three parties with their approvals, 35 documents (about 60 % uploaded, most
of those approved; all uploads name one shared PDF file, since only the records matter here), an activity log
sealed into the room's chain as the app seals it, completed snapshot records with their PDFs, and the last
snapshot's task. A room's records are written as the app stores them, in one file write per store (``batch``),
several rooms at once (the writes wait on fsync, not on the CPU). Used by ``python -m bench fleet`` and the
fault tests on a multi-room folder.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sts_snapshots.app import build_app, seed_if_empty
from sts_snapshots.datadir import DataLayout
from sts_snapshots.datadir.installation import installation_id
from sts_snapshots.demo import ADMIN_EMAIL
from sts_snapshots.demo.files import simple_pdf
from sts_snapshots.domain.catalogue import types_for
from sts_snapshots.domain.chain import GENESIS, seal
from sts_snapshots.domain.documents import Document, documents_for_operation, documents_for_vessel, version_record
from sts_snapshots.domain.ids import new_id, task_id_for
from sts_snapshots.domain.models import Activity, Approval, Party, Room, Vessel
from sts_snapshots.domain.time import utcnow
from sts_snapshots.settings import Settings
from sts_snapshots.store import Database, ShardedTable, hashed_key
from sts_snapshots.store.stores import Stores

log = logging.getLogger("bench")
DOCUMENTS = 35


@dataclass(frozen=True)
class FleetSize:
    rooms: int = 1000  # including the demo room
    snapshots: int = 20_000
    activity: int = 200_000

    def per_room(self, total: int) -> int:
        return max(1, total // max(1, self.rooms - 1))


def seed(folder: Path) -> str:
    """The demo users and room, as a first start makes them (the one-room folder); returns the demo room's id."""
    sts = build_app(Settings.load({"data_dir": folder, "workers": 0, "demo": True}, env={}))
    try:
        seed_if_empty(sts)
        return sts.rooms.room_ids()[0]
    finally:
        sts.stores.close()


def generate(folder: Path, size: FleetSize = FleetSize(), threads: int = 8) -> list[str]:
    """Seed ``folder`` (see :func:`seed`) and add ``size.rooms - 1`` generated rooms; returns every room id."""
    started = time.perf_counter()
    demo = seed(folder)
    layout = DataLayout(folder)
    origin = installation_id(layout)
    pdf = simple_pdf("Snapshot", ["A generated snapshot of the fleet benchmark."])
    upload = simple_pdf("Certificate", ["A generated document of the fleet benchmark."])
    shared_file = new_id()
    (layout.documents / shared_file).write_bytes(upload)
    stores = Stores.open(layout)
    try:
        rooms = [new_id() for _ in range(size.rooms - 1)]
        tasks: list[dict[str, Any]] = []
        facts = (origin, pdf, upload, shared_file)
        with ThreadPoolExecutor(threads) as pool:
            for made in pool.map(lambda i: _room(stores, layout, rooms[i], i, size, facts), range(len(rooms))):
                tasks.append(made)
        by_shard: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for task in tasks:
            by_shard[hashed_key(task["id"])].append(task)
        assert isinstance(stores.tasks, ShardedTable)
        for key, group in by_shard.items():
            stores.tasks.shard(key).insert_many(group)
    finally:
        stores.close()
    log.info("fleet folder of %d rooms written in %.1f s", size.rooms, time.perf_counter() - started)
    return [demo, *rooms]


def _room(stores: Stores, layout: DataLayout, room_id: str, i: int, size: FleetSize,
          facts: tuple[str, bytes, bytes, str]) -> dict[str, Any]:
    origin, pdf, upload, shared_file = facts
    eta = (utcnow() + timedelta(days=1 + i % 60)).replace(microsecond=0).isoformat()
    room = Room(title=f"Fleet room {i + 1}", location="Skagen anchorage", sts_eta=eta, cargo_type="Crude oil",
                cargo_quantity="100 000 t", status="docs_pending", created_by=ADMIN_EMAIL)
    room.id = room_id
    vessels = [Vessel(room_id=room_id, name=f"MT Fleet Mother {i + 1}", imo="9321483", role="mother"),
               Vessel(room_id=room_id, name=f"MT Fleet Daughter {i + 1}", imo="9376543", role="daughter")]
    parties = [Party(room_id=room_id, role=role, name=name, email=email) for role, name, email in (
        ("sts_provider", "Fleet Admin", ADMIN_EMAIL), ("mother_owner", "Owner", f"owner{i}@fleet.example"),
        ("charterer", "Charterer", f"charterer{i}@fleet.example"))]
    documents = [*documents_for_operation(room_id), *(d for v in vessels for d in documents_for_vessel(room_id, v.id))]
    kinds = [t.code for t in types_for("operation")]
    documents += [Document(room_id=room_id, type_code=kinds[n % len(kinds)], notes=f"Additional document {n}")
                  for n in range(max(0, DOCUMENTS - len(documents)))]
    records = [d.to_record() for d in documents[:DOCUMENTS]]
    digest = hashlib.sha256(upload).hexdigest()
    for n, doc in enumerate(records):
        if n % 5 in (0, 1, 2):
            doc["versions"] = [version_record(file_id=shared_file, file_name=f"doc-{n}.pdf", sha256=digest,
                                              size=len(upload), mime="application/pdf", uploaded_by=ADMIN_EMAIL,
                                              number=1)]
            doc["status"] = "approved" if n % 5 != 2 else "under_review"
    database = stores.rooms.database(room_id)
    assert isinstance(database, Database)
    with database.batch():
        database.table("rooms").insert(room.to_record())
        database.table("vessels").insert_many([v.to_record() for v in vessels])
        database.table("parties").insert_many([p.to_record() for p in parties])
        database.table("approvals").insert_many([Approval(room_id=room_id, party_id=p.id).to_record()
                                                 for p in parties])
        database.table("documents").insert_many(records)
    previous, entries = (0, GENESIS), []
    for n in range(size.per_room(size.activity)):
        entry = seal(dict(Activity(room_id=room_id, actor=ADMIN_EMAIL, action="document reviewed",
                                   details=f"Generated entry {n}").to_record()), origin, previous)
        previous = (entry["seq"], entry["hash"])
        entries.append(entry)
    stores.activity.shard(room_id).insert_many(entries)
    snapshots = []
    for n in range(size.per_room(size.snapshots)):
        snapshot_id = new_id()
        (layout.snapshots / f"{snapshot_id}.pdf").write_bytes(pdf)  # a fixture: no fsync needed
        snapshots.append({
            "id": snapshot_id, "room_id": room_id, "title": f"Snapshot {n + 1}", "snapshot_type": "pdf",
            "include_documents": False, "include_activity": True, "include_approvals": True, "activity_limit": 200,
            "status": "completed", "task_id": task_id_for(snapshot_id),
            "file_url": f"/api/v1/rooms/{room_id}/snapshots/{snapshot_id}/download", "file_size": len(pdf),
            "sha256": hashlib.sha256(pdf).hexdigest(), "pages": 1, "content_key": None, "created_by": ADMIN_EMAIL,
            "created_at": utcnow().isoformat(), "completed_at": utcnow().isoformat(), "error": None})
    stores.snapshots.shard(room_id).insert_many(snapshots)
    last = snapshots[-1]
    return {"id": last["task_id"], "task_id": last["task_id"], "task_type": "generate_pdf", "status": "completed",
            "progress": 100, "created_at": last["created_at"], "started_at": last["created_at"],
            "completed_at": last["completed_at"], "result": {"file_url": last["file_url"]}, "error": None,
            "attempts": 1, "payload": {"snapshot_id": last["id"], "room_id": room_id}}
