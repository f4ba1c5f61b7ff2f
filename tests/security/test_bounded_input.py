"""Dates the app cannot keep are refused with a 422 naming the field, and stored ones never break a page."""

from __future__ import annotations

import pytest

from sts_snapshots.store import Database
from tests.harness import API, Harness
from tests.test_ui_support import sign_in

EXTREME_ETAS = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1899-12-31T23:00Z", "2201-01-01T00:00Z"]


@pytest.mark.parametrize("eta", EXTREME_ETAS)
async def test_an_eta_outside_the_years_the_app_keeps_is_a_422_naming_it(harness: Harness, eta: str) -> None:
    created = await harness.client.post(f"{API}/rooms", headers=harness.member, json={"title": "Far", "sts_eta": eta})
    assert created.status_code == 422 and "sts_eta" in created.json()["detail"]
    room = harness.demo_room_id()
    changed = await harness.client.patch(f"{API}/rooms/{room}", headers=harness.admin, json={"sts_eta": eta})
    assert changed.status_code == 422 and "sts_eta" in changed.json()["detail"]


@pytest.mark.parametrize("expiry", ["0001-01-01", "9999-12-31"])
async def test_an_expiry_outside_those_years_is_refused(harness: Harness, expiry: str) -> None:
    room = harness.demo_room_id()
    doc = next(d for d in harness.sts.rooms.documents_of(room) if d["versions"])
    answer = await harness.client.patch(f"{API}/rooms/{room}/documents/{doc['id']}", headers=harness.admin,
                                        json={"expires_on": expiry})
    assert answer.status_code == 422 and "expires_on" in answer.json()["detail"]


async def test_a_room_stored_with_such_an_eta_still_shows_and_snapshots(harness: Harness) -> None:
    """Data written by an older version (which accepted these) must not break the pages or the snapshots."""
    room = harness.demo_room_id()
    rooms_file = Database(harness.sts.layout.db / "rooms.json")
    rooms_file.table("rooms").update(room, {"sts_eta": "0001-01-01T00:00+14:00"})
    doc = next(d for d in harness.sts.rooms.documents_of(room) if d["versions"])
    rooms_file.table("documents").update(doc["id"], {"expires_on": "0001-01-01"})
    await sign_in(harness.user, "admin@sts-demo.example", f"/rooms/{room}")
    await harness.user.should_see(marker="doc-group", retries=50)
    await harness.user.open("/")
    await harness.user.should_see(marker="room-card", retries=50)
    created = await harness.client.post(f"{API}/rooms/{room}/snapshots", headers=harness.admin, json={})
    task = await harness.wait_task(created.json()["task_id"], harness.admin)
    assert task["status"] == "completed", task["error"]
