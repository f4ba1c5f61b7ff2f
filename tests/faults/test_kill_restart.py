"""kill -9 the real server at random moments while snapshots generate, restart it, and check nothing is broken."""

from __future__ import annotations

import os
import random
import sys
import threading
from pathlib import Path

import httpx
import pytest

from tests.faults.client import Api
from tests.faults.integrity import assert_pdfs_whole
from tests.faults.server_process import Fleet, Server

pytestmark = [pytest.mark.faults, pytest.mark.skipif(sys.platform != "linux", reason="uses /proc and kill -9")]

SNAPSHOTS = 20
ROUNDS = 3


def create(api: Api, room_id: str, documents: list[str], created: list[str], rng: random.Random, label: str) -> None:
    """Create the snapshots still missing, varied so that they are not all cache hits."""
    while len(created) < SNAPSHOTS:
        number = len(created) + 1
        if number % 3 == 1:  # a changed note changes the report: the next snapshots miss the cache
            api.call("PATCH", f"/rooms/{room_id}/documents/{rng.choice(documents)}",
                     json={"notes": f"Fault test {label}, before snapshot {number}"})
        snapshot = api.create_snapshot(room_id, f"Fault test {number}", include_documents=rng.random() < 0.5)
        created.append(snapshot["id"])


def create_until_killed(server: Server, room_id: str, documents: list[str], created: list[str],
                        rng: random.Random, label: str) -> None:
    try:
        with Api(server.url) as api:
            create(api, room_id, documents, created, rng, label)
    except httpx.TransportError:
        pass  # the kill landed during a request


def test_kill_9_during_generation_leaves_nothing_broken(fleet: Fleet, tmp_path: Path) -> None:
    seed = int(os.environ.get("FAULTS_SEED") or random.SystemRandom().randrange(1_000_000))
    print(f"fault injection seed: {seed} (rerun with FAULTS_SEED={seed})")
    rng = random.Random(seed)
    data = tmp_path / "data"
    server = fleet.start(data)
    with Api(server.url) as api:
        room_id = api.demo_room()
        documents = [d["id"] for d in api.call("GET", f"/rooms/{room_id}/documents")]
    created: list[str] = []
    for round_number in range(1, ROUNDS + 1):
        # A random moment: mostly while the snapshots render (or are recovered after a restart), sometimes in
        # the middle of creating them, so that a request is cut off too.
        during_creation = rng.random() < 0.3
        delay = rng.uniform(0.2, 3.5)
        killer = threading.Timer(delay, fleet.kill9, (server,))
        if during_creation:
            killer.start()
        try:
            create_until_killed(server, room_id, documents, created, rng, f"round {round_number}")
        finally:
            if not during_creation:
                killer.start()
            killer.join()
        assert not server.alive()
        print(f"round {round_number}: killed {delay:.2f} s after {'starting' if during_creation else 'finishing'} "
              f"the creations, {len(created)} of {SNAPSHOTS} created")
        left = fleet.wait_all_gone(timeout=5)
        assert not left, f"seed {seed}: processes outlived the killed server (orphaned render workers): {left}"
        assert_pdfs_whole(data, settled=False)
        server = fleet.start(data, port=server.port)  # the same port: a killed server's listening socket is gone

    with Api(server.url) as api:
        create(api, room_id, documents, created, rng, "after the last kill")
        snapshots = api.wait_finished([room_id], timeout=180)  # recovery, then the last ones, run to the end
    assert {s["id"] for s in snapshots} >= set(created)
    for snapshot in snapshots:
        assert snapshot["status"] in ("completed", "failed"), snapshot
        if snapshot["status"] == "failed":  # killed on its last attempt, or between its record and its task
            assert snapshot["error"].startswith("interrupted"), snapshot
    fleet.stop(server)
    records = assert_pdfs_whole(data, settled=True)
    outcome = [r["status"] for r in records.values()]
    print(f"seed {seed}: {outcome.count('completed')} completed, {outcome.count('failed')} failed")
