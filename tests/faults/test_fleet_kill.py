"""kill -9 the real server while reviews, uploads and snapshot creates land in many rooms of a generated fleet
folder; after a restart every acknowledged write is there, and the folder is intact."""

from __future__ import annotations

import os
import random
import sys
import threading
from pathlib import Path

import httpx
import pytest

from bench.fleet_data import FleetSize, generate
from tests.faults.client import Api
from tests.faults.integrity import assert_pdfs_whole
from tests.faults.server_process import Fleet

pytestmark = [pytest.mark.faults, pytest.mark.skipif(sys.platform != "linux", reason="uses /proc and kill -9")]

ROOMS = 120  # the suite's fleet: the bench item `fleet` runs the same at 1,000 rooms
WRITERS = 4


class Writer:
    """Writes to rooms of its own (so each document's writes are in order); keeps what the server acknowledged."""

    def __init__(self, url: str, rooms: list[str], rng: random.Random, label: str) -> None:
        self.url, self.rooms, self.rng, self.label = url, rooms, rng, label
        self.notes: dict[tuple[str, str], list[str]] = {}  # (room, doc) -> notes acknowledged, in order
        self.sent: dict[tuple[str, str], str] = {}  # the last notes sent (acknowledged or cut off)
        self.uploads: dict[tuple[str, str], int] = {}  # (room, doc) -> versions acknowledged
        self.snapshots: list[tuple[str, str]] = []  # (room, snapshot) acknowledged

    def run(self) -> None:
        try:
            with Api(self.url) as api:
                docs = {room: [d["id"] for d in api.call("GET", f"/rooms/{room}/documents")][:5] for room in self.rooms}
                for n in range(10_000):
                    room = self.rng.choice(self.rooms)
                    doc = self.rng.choice(docs[room])
                    kind = self.rng.random()
                    if kind < 0.6:
                        note = f"{self.label} {n}"
                        self.sent[(room, doc)] = note
                        api.call("PATCH", f"/rooms/{room}/documents/{doc}", json={"notes": note})
                        self.notes.setdefault((room, doc), []).append(note)
                    elif kind < 0.9:
                        view = api.call("PUT", f"/rooms/{room}/documents/{doc}/file",
                                        files={"file": (f"f{n}.pdf", b"%PDF-1.4 fleet fault " + str(n).encode(),
                                                        "application/pdf")})
                        self.uploads[(room, doc)] = len(view["versions"])
                    else:
                        self.snapshots.append((room, api.create_snapshot(room, f"{self.label} {n}", False)["id"]))
        except (httpx.TransportError, AssertionError):
            pass  # the kill landed during a request (or the server went while answering)


def test_kill_9_during_writes_in_a_fleet_folder_loses_no_acknowledged_write(fleet: Fleet, tmp_path: Path) -> None:
    seed = int(os.environ.get("FAULTS_SEED") or random.SystemRandom().randrange(1_000_000))
    print(f"fault injection seed: {seed} (rerun with FAULTS_SEED={seed})")
    rng = random.Random(seed)
    data = tmp_path / "data"
    rooms = generate(data, FleetSize(rooms=ROOMS, snapshots=ROOMS * 20, activity=ROOMS * 200))
    server = fleet.start(data)
    writers = [Writer(server.url, rooms[i::WRITERS], random.Random(rng.random()), f"w{i}") for i in range(WRITERS)]
    threads = [threading.Thread(target=w.run) for w in writers]
    for thread in threads:
        thread.start()
    killer = threading.Timer(rng.uniform(2, 6), fleet.kill9, (server,))
    killer.start()
    killer.join()
    for thread in threads:
        thread.join(60)
    assert not server.alive()
    assert not fleet.wait_all_gone(timeout=5)
    acknowledged = sum(len(v) for w in writers for v in w.notes.values()) + sum(len(w.snapshots) for w in writers)
    print(f"{acknowledged} notes and snapshots acknowledged before the kill")
    assert acknowledged > 10, f"seed {seed}: too few writes before the kill to prove anything ({acknowledged})"
    assert_pdfs_whole(data, settled=False)
    server = fleet.start(data, port=server.port)
    with Api(server.url) as api:
        for w in writers:
            for (room, doc), notes in w.notes.items():
                stored = next(d for d in api.call("GET", f"/rooms/{room}/documents") if d["id"] == doc)
                # the last acknowledged notes, or notes sent after them whose answer the kill cut off
                assert stored["notes"] in (notes[-1], w.sent[(room, doc)]), (seed, room, doc, stored["notes"], notes)
            for (room, doc), versions in w.uploads.items():
                stored = next(d for d in api.call("GET", f"/rooms/{room}/documents") if d["id"] == doc)
                assert len(stored["versions"]) >= versions, (seed, room, doc)
            for room, snapshot_id in w.snapshots:
                assert snapshot_id in {s["id"] for s in api.snapshots(room)}, (seed, room, snapshot_id)
        assert len(api.call("GET", "/rooms")) == ROOMS
        api.wait_finished(sorted({room for w in writers for room, _ in w.snapshots}), timeout=300)
    fleet.stop(server)
    assert_pdfs_whole(data, settled=True)
