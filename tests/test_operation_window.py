"""The operation window through the API: documents valid through the end of ETA + planned hours, in the ETA's
UTC offset; expiring soon against the window's start; a room without an ETA judged against today."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest

from sts_snapshots.settings import Settings
from tests.harness import API, Harness, running_app

TODAY = date(2030, 6, 1)


@pytest.fixture
async def fixed(settings: Settings) -> AsyncIterator[Harness]:
    async with running_app(settings.replace(demo=False), today=lambda: TODAY) as harness:
        from sts_snapshots.services.users import LOCAL_ADMIN

        harness.sts.users.add(LOCAL_ADMIN, "admin@example.com", "correct horse battery", role="admin", name="Ada")
        yield harness


async def room_with_fender(h: Harness, eta: str | None, expires_on: str, **fields: Any) -> dict[str, Any]:
    """A room whose fender certificate is approved with ``expires_on``; returns that document's view."""
    headers = h.auth("admin@example.com")
    response = await h.client.post(f"{API}/rooms", json={"title": "Window", "sts_eta": eta, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    room_id = response.json()["id"]
    docs = (await h.client.get(f"{API}/rooms/{room_id}/documents", headers=headers)).json()
    fender = next(d for d in docs if d["type_code"] == "FENDER")
    url = f"{API}/rooms/{room_id}/documents/{fender['id']}"
    upload = await h.client.put(f"{url}/file", files={"file": ("f.pdf", b"%PDF-1.4 fender", "application/pdf")},
                                headers=headers)
    assert upload.status_code == 200, upload.text
    review = await h.client.patch(url, json={"status": "approved", "expires_on": expires_on}, headers=headers)
    assert review.status_code == 200, review.text
    return {**review.json(), "room_id": room_id}


# (ETA, planned hours, expiry date, whole days short): both sides of the end of the window in two offsets. An ETA
# late in the evening west of Greenwich, or just after midnight east of it, ends on another day in UTC: the
# document's day is the ETA's.
@pytest.mark.parametrize(("eta", "hours", "expires_on", "short"), [
    ("2030-06-10T06:00+02:00", 48, "2030-06-12", 0),
    ("2030-06-10T06:00+02:00", 48, "2030-06-11", 1),
    ("2030-06-10T06:00+02:00", 48, "2030-06-10", 2),
    ("2030-06-10T00:00+02:00", 48, "2030-06-11", 0),  # valid through midnight, the very end of the window
    ("2030-06-10T00:00+02:00", 49, "2030-06-11", 1),
    ("2030-06-10T23:30-05:00", 48, "2030-06-12", 0),  # UTC would end at 04:30 the next day: short by a day
    ("2030-06-10T23:30-05:00", 48, "2030-06-11", 1),
    ("2030-06-10T00:30+09:00", 48, "2030-06-11", 1),  # UTC would still be 11 June: valid
    ("2030-06-10T00:30+09:00", 24, "2030-06-11", 0),
])
async def test_valid_through_the_end_of_the_window(fixed: Harness, eta: str, hours: int, expires_on: str,
                                                    short: int) -> None:
    doc = await room_with_fender(fixed, eta, expires_on, planned_hours=hours)
    assert (doc["expires_before_end"], doc["shortfall_days"]) == (short > 0, short)
    assert doc["effective_status"] == "approved"
    room = (await fixed.client.get(f"{API}/rooms/{doc['room_id']}", headers=fixed.auth("admin@example.com"))).json()
    assert room["planned_hours"] == hours
    assert room["operation_window"]["basis"] == "eta" and room["operation_window"]["label"] == f"ETA + {hours} h"
    assert room["readiness"]["expires_before_end"] == (1 if short else 0)
    assert not room["readiness"]["ready"]  # the other required documents are missing anyway


@pytest.mark.parametrize(("eta", "expires_on", "soon"), [
    # the fender certificate warns 30 days ahead: of the window's start (10 June), not of today (1 June)
    ("2030-06-10T06:00+02:00", "2030-07-10", True),
    ("2030-06-10T06:00+02:00", "2030-07-11", False),
    ("2030-06-10T23:30-05:00", "2030-07-10", True),
    ("2030-06-10T23:30-05:00", "2030-07-11", False),
])
async def test_expiring_soon_is_measured_from_the_window_start(fixed: Harness, eta: str, expires_on: str,
                                                               soon: bool) -> None:
    doc = await room_with_fender(fixed, eta, expires_on)
    assert (doc["expiring_soon"], doc["expires_before_end"]) == (soon, False)


@pytest.mark.parametrize(("expires_on", "status", "soon"), [
    ("2030-05-31", "expired", False), ("2030-06-01", "approved", True), ("2030-07-02", "approved", False),
])
async def test_a_room_without_eta_is_judged_against_today(fixed: Harness, expires_on: str, status: str,
                                                          soon: bool) -> None:
    doc = await room_with_fender(fixed, None, expires_on)
    assert (doc["effective_status"], doc["expiring_soon"], doc["expires_before_end"]) == (status, soon, False)
    room = (await fixed.client.get(f"{API}/rooms/{doc['room_id']}", headers=fixed.auth("admin@example.com"))).json()
    window = room["operation_window"]
    assert window == {"basis": "today", "start": "2030-06-01", "end": None, "planned_hours": 48,
                      "label": "no STS ETA set: judged against today, 2030-06-01"}


async def test_planned_hours_default_patch_and_bad_input(fixed: Harness) -> None:
    headers = fixed.auth("admin@example.com")
    created = (await fixed.client.post(f"{API}/rooms", json={"title": "T", "sts_eta": "2030-06-10T06:00Z"},
                                       headers=headers)).json()
    assert created["planned_hours"] == 48 and created["operation_window"]["end"] == "2030-06-12T06:00+00:00"
    url = f"{API}/rooms/{created['id']}"
    patched = await fixed.client.patch(url, json={"planned_hours": 72}, headers=headers)
    assert patched.status_code == 200 and patched.json()["operation_window"]["end"] == "2030-06-13T06:00+00:00"
    for bad in (0, -1, 100_000, "48", 1.5, None):
        response = await fixed.client.patch(url, json={"planned_hours": bad}, headers=headers)
        assert response.status_code == 422 and response.json()["detail"], (bad, response.text)


async def test_a_room_stored_before_planned_hours_reads_the_default(fixed: Harness) -> None:
    headers = fixed.auth("admin@example.com")
    created = (await fixed.client.post(f"{API}/rooms", json={"title": "Old"}, headers=headers)).json()
    table = fixed.sts.stores.rooms.database(created["id"]).table("rooms")
    old = {k: v for k, v in created.items() if k in table.get(created["id"])}  # type: ignore[union-attr]
    old.pop("planned_hours")
    table.remove(created["id"])
    table.insert(old)
    room = (await fixed.client.get(f"{API}/rooms/{created['id']}", headers=headers)).json()
    assert room["planned_hours"] == 48
    listed = (await fixed.client.get(f"{API}/rooms", headers=headers)).json()
    assert listed[0]["planned_hours"] == 48
