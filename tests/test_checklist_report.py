"""Checklists in the snapshot, through the API and the real render: the cover names each checklist due before
transfer that is not signed off (title, pair, who has not signed), the body prints every round of a repeated
checklist, and starting a round changes the content key."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from sts_snapshots.demo import ADMIN_EMAIL
from tests.harness import API, Harness

OUTPUT = Path(__file__).resolve().parent.parent / "test-output"  # the PDFs, to look at their pages


async def snapshot(h: Harness, title: str) -> tuple[dict[str, Any], list[str]]:
    """A snapshot of the demo room: its task's result (with the content key) and the text of each page."""
    room_id = h.demo_room_id()
    created = await h.client.post(f"{API}/rooms/{room_id}/snapshots", headers=h.admin,
                                  json={"title": title, "include_activity": False})
    assert created.status_code == 200, created.text
    task = await h.wait_task(created.json()["task_id"], h.admin)
    assert task["status"] == "completed", task
    pdf = await h.client.get(f"{API}/rooms/{room_id}/snapshots/{created.json()['id']}/download", headers=h.admin)
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / f"checklists-{re.sub('[^a-z0-9]+', '-', title.lower())}.pdf").write_bytes(pdf.content)
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages]
    return task["result"], pages


def rounds(h: Harness, code: str) -> list[dict[str, Any]]:
    found = h.sts.checklists.views_of(h.demo_room_id())["pairs"][0]["checklists"]
    return [dict(c) for c in found if c["code"] == code]


def finish(h: Harness, code: str, sides: tuple[str, ...] = ("mother", "daughter")) -> None:
    admin = h.sts.users.get(ADMIN_EMAIL)
    assert admin is not None
    c = rounds(h, code)[-1]
    for item in c["items"]:
        if item["required"] and item["answer"] is None:
            h.sts.checklists.answer(admin, h.demo_room_id(), c["id"], item["id"],
                                    "yes" if "yes" in item["kind"] else "12")
    for side in sides:
        h.sts.checklists.sign_off(admin, h.demo_room_id(), c["id"], side, "Test Master", "Master")


async def test_the_cover_names_unsigned_checklists_and_the_body_prints_every_round(harness: Harness) -> None:
    h = harness
    vessels = {v["role"]: v["name"] for v in h.sts.rooms.vessels_of(h.demo_room_id())}
    mother, daughter = vessels["mother"], vessels["daughter"]
    _, pages = await snapshot(h, "Run-in open")
    cover = pages[0]
    assert f"Checklists of {mother} / {daughter} · see 6. Checklists" in cover and cover.count("Not signed") == 2
    assert "3. Before run-in and mooring" in cover and "4. Before cargo transfer" in cover
    assert "Before unmooring" not in cover and "During transfer" not in cover  # not due before transfer

    finish(h, "run-in-mooring", ("mother",))
    _, pages = await snapshot(h, "Run-in signed by the mother")
    assert f"3. Before run-in and mooring · {daughter} to sign" in pages[0] and "Partly signed" in pages[0]

    finish(h, "run-in-mooring", ("daughter",))
    finish(h, "before-transfer")
    finish(h, "during-transfer")
    before, pages = await snapshot(h, "Round 1 signed")
    assert "Checklists of" not in pages[0] and "Before run-in" not in pages[0]

    member = h.sts.rooms.parties_of(h.demo_room_id())
    poac = next(p["email"] for p in member if p["role"] == "mooring_master")
    started = await h.client.post(f"{API}/rooms/{h.demo_room_id()}/checklists/{rounds(h, 'during-transfer')[0]['id']}"
                                  "/rounds", headers=h.auth(poac))
    assert started.status_code == 201, started.text
    second = started.json()
    answered = await h.client.put(f"{API}/rooms/{h.demo_room_id()}/checklists/{second['id']}/items/5.3",
                                  json={"answer": "no", "remarks": "Weep at the flange, tightened"},
                                  headers=h.auth(poac))
    assert answered.status_code == 200, answered.text
    after, pages = await snapshot(h, "Round 2 open")
    assert after["content_key"] != before["content_key"]
    body = " ".join(pages[1:])
    assert "5. During transfer (repeated checks), round 1" in body
    assert "5. During transfer (repeated checks), round 2" in body
    assert "round 1 of 2, started" in body and f"round 2 of 2, started {second['started_at'][:10]}" in body
    assert f"by {poac}" in body and "Weep at the flange, tightened" in body
    assert body.count("Not yet signed for the mother vessel") >= 2  # round 2 and before unmooring
