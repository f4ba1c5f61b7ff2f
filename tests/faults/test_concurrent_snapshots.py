"""100 snapshot creations at once across 5 rooms, against the real server: none lost, none stuck, counts match."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import httpx
import pytest

from sts_snapshots.domain.imo import imo_check_digit
from tests.faults.client import Api
from tests.faults.integrity import assert_pdfs_whole
from tests.faults.server_process import Fleet

pytestmark = [pytest.mark.faults, pytest.mark.skipif(sys.platform != "linux", reason="uses /proc")]

ROOMS = 5
SNAPSHOTS = 100


def imo(serial: int) -> str:
    first_six = f"{910000 + serial:06d}"
    return f"{first_six}{imo_check_digit(first_six)}"


def make_rooms(api: Api) -> list[str]:
    """The demo room and four new ones, each with a vessel (and so its required documents)."""
    rooms = [api.demo_room()]
    for number in range(1, ROOMS):
        room = api.call("POST", "/rooms", json={"title": f"Load test room {number}", "location": "Skagen",
                                                "status": "docs_pending"})
        api.call("POST", f"/rooms/{room['id']}/vessels",
                 json={"name": f"MT Load {number}", "imo": imo(number), "role": "mother", "flag": "Malta"})
        rooms.append(room["id"])
    return rooms


async def create_all(url: str, token: str, rooms: list[str]) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=SNAPSHOTS, max_keepalive_connections=SNAPSHOTS)
    async with httpx.AsyncClient(base_url=f"{url}/api/v1", headers={"Authorization": token}, timeout=60,
                                 limits=limits) as client:
        return await asyncio.gather(*(
            client.post(f"/rooms/{rooms[i % ROOMS]}/snapshots",
                        json={"title": f"Concurrent {i + 1}"})
            for i in range(SNAPSHOTS)))


async def test_100_concurrent_snapshots_all_complete_and_are_counted(fleet: Fleet, tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = fleet.start(data)
    with Api(server.url) as api:
        rooms = make_rooms(api)
        started = time.monotonic()
        responses = await create_all(server.url, api.client.headers["Authorization"], rooms)
        created_in = time.monotonic() - started
        assert [r.status_code for r in responses] == [200] * SNAPSHOTS, [r.text for r in responses if r.is_error]
        created = {r.json()["id"]: r.json()["room_id"] for r in responses}
        assert len(created) == SNAPSHOTS
        snapshots = await asyncio.to_thread(api.wait_finished, rooms, 240)
        finished_in = time.monotonic() - started
        assert {s["id"]: s["room_id"] for s in snapshots} == created  # none lost, none extra, in the right room
        failed = [s for s in snapshots if s["status"] != "completed"]
        assert not failed, failed[:5]
        summary = api.call("GET", "/snapshots/metrics/summary", params={"hours": 1})
    generation = summary["pdf_generation"]
    print(f"100 creations answered in {created_in:.1f} s, all generated in {finished_in:.1f} s; "
          f"generations: {generation['generated_count']} rendered, {generation['cached_count']} from the cache, "
          f"p50 {generation['duration_ms']['p50']} ms, p95 {generation['duration_ms']['p95']} ms")
    assert generation["total_generations"] == SNAPSHOTS
    assert generation["cached_count"] + generation["generated_count"] == SNAPSHOTS
    assert generation["failed_count"] == 0
    assert generation["generated_count"] >= ROOMS  # each room's report was rendered at least once
    assert summary["tasks"]["completed"] == SNAPSHOTS and summary["tasks"]["pending_queue"] == 0
    fleet.stop(server)
    records = assert_pdfs_whole(data, settled=True)
    assert len(records) == SNAPSHOTS
    assert len(list((data / "uploads" / "snapshots").glob("*.pdf"))) == SNAPSHOTS
