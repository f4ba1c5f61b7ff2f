"""The UI in the field, through the in-process app: offline API docs, the 404 page, headings, edits."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sts_snapshots.demo import ADMIN_EMAIL
from tests.harness import Harness
from tests.test_ui_support import elements, sign_in, wait_for


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_api_docs_load_only_local_assets(harness: Harness, path: str) -> None:
    response = await harness.client.get(path)
    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.text) + re.findall(r"url: '([^']+)'", response.text)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "fonts.googleapis" not in response.text
    for source in sources:
        assert (await harness.client.get(source)).status_code == 200, source


async def test_the_shipped_redoc_never_fetches_its_logo(harness: Harness) -> None:
    script = await harness.client.get("/api-docs-assets/redoc/redoc.standalone.js")
    assert script.status_code == 200 and "cdn.redoc.ly/redoc/logo-mini.svg" not in script.text
    assert (await harness.client.get("/api-docs-assets/swagger-ui/LICENSE")).status_code == 200
    assert (await harness.client.get("/openapi.json")).json()["info"]["title"] == "STS Snapshots"


async def test_an_unknown_page_answers_404_in_the_app_frame(harness: Harness) -> None:
    await sign_in(harness.user, ADMIN_EMAIL)
    response = await harness.client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text and "Back to rooms" in response.text
    api = await harness.client.get("/api/v1/no-such-endpoint")
    assert api.status_code == 404 and api.json()["detail"].startswith("no API endpoint")


async def test_each_page_has_one_h1_and_a_nav(harness: Harness) -> None:
    await sign_in(harness.user, ADMIN_EMAIL)
    for path in ("/", f"/rooms/{harness.demo_room_id()}", "/users", "/metrics"):
        await harness.user.open(path)
        assert harness.user.client is not None
        with harness.user.client:
            tags = [e.tag for e in harness.user.client.elements.values()]
        assert tags.count("h1") == 1, (path, tags.count("h1"))
        assert "nav" in tags and "main" in tags
        assert bool(elements(harness.user, "skip-extra")) == path.startswith("/rooms/")  # "Skip to Snapshots"


def logged(harness: Harness, room: str, action: str) -> dict[str, Any]:
    """The latest activity entry of ``action`` written by this test (the demo's entries are dated ahead)."""
    entries = [a for a in harness.sts.rooms.activity_for(room, limit=500) if a["action"] == action]
    assert entries, f"no {action!r} entry"
    return dict(max(entries, key=lambda a: str(a["at"])))


VESSEL = {"name": "MT Spare Wheel", "imo": "9074729", "role": "daughter"}


async def test_a_vessel_is_corrected_and_removed_through_the_api(harness: Harness) -> None:
    client, room = harness.client, harness.demo_room_id()
    base = f"/api/v1/rooms/{room}/vessels"
    added = (await client.post(base, json=VESSEL, headers=harness.admin)).json()
    renamed = await client.patch(f"{base}/{added['id']}", json={"name": "MT Spare Tyre", "dwt": 40000},
                                 headers=harness.admin)
    assert renamed.status_code == 200 and renamed.json()["name"] == "MT Spare Tyre"
    taken = harness.sts.rooms.vessels_of(room)[0]["imo"]
    clash = await client.patch(f"{base}/{added['id']}", json={"imo": taken}, headers=harness.admin)
    assert clash.status_code == 422
    slots = [d for d in harness.sts.rooms.documents_of(room) if d.get("vessel_id") == added["id"]]
    assert slots and (await client.delete(f"{base}/{added['id']}", headers=harness.admin)).status_code == 204
    assert not [d for d in harness.sts.rooms.documents_of(room) if d.get("vessel_id") == added["id"]]
    assert "MT Spare Tyre: name=MT Spare Tyre, dwt=40000" == logged(harness, room, "vessel updated")["details"]
    assert "with its" in logged(harness, room, "vessel removed")["details"]


async def test_a_vessel_whose_documents_hold_files_is_not_removed(harness: Harness) -> None:
    room = harness.demo_room_id()
    mother = harness.sts.rooms.vessels_of(room)[0]
    answer = await harness.client.delete(f"/api/v1/rooms/{room}/vessels/{mother['id']}", headers=harness.admin)
    assert answer.status_code == 409 and "uploaded document" in answer.json()["detail"]
    assert (await harness.client.delete(f"/api/v1/rooms/{room}/vessels/{mother['id']}",
                                        headers=harness.member)).status_code in (403, 409)
    assert harness.sts.rooms.vessels_of(room)[0]["id"] == mother["id"]


async def test_the_room_is_edited_in_its_dialog_and_logged(harness: Harness) -> None:
    user, room = harness.user, harness.demo_room_id()
    await sign_in(user, ADMIN_EMAIL, f"/rooms/{room}")
    user.find(marker="edit-room").click()
    location = user.find(marker="edit-location")
    location.clear()
    location.type("Kalundborg anchorage")
    user.find(marker="edit-room-ok").click()
    await wait_for(lambda: harness.sts.rooms.get(room)["location"] == "Kalundborg anchorage",  # type: ignore[index]
                   what="the room saved")
    await user.should_see("Kalundborg anchorage", marker="room-header", retries=50)
    assert logged(harness, room, "room updated")["details"] == "location=Kalundborg anchorage"


async def test_an_edit_error_names_the_field_as_the_form_does(harness: Harness) -> None:
    user, room = harness.user, harness.demo_room_id()
    await sign_in(user, ADMIN_EMAIL, f"/rooms/{room}")
    mother = harness.sts.rooms.vessels_of(room)[0]
    user.find(marker=f"edit-vessel-{mother['imo']}").click()
    imo = user.find(marker="vessel-imo")
    imo.clear()
    imo.type("1234567")
    user.find(marker="save-vessel-ok").click()
    await user.should_see("IMO number", marker="vessel-error", retries=50)


async def test_removing_a_vessel_says_what_happens_to_its_documents(harness: Harness) -> None:
    user, room = harness.user, harness.demo_room_id()
    harness.sts.rooms.add_vessel(harness.sts.users.get(ADMIN_EMAIL), room, VESSEL)  # type: ignore[arg-type]
    await sign_in(user, ADMIN_EMAIL, f"/rooms/{room}")
    user.find(marker=f"remove-vessel-{VESSEL['imo']}").click()
    await user.should_see("document slots (none has a file yet) are removed", retries=50)
    user.find(marker="confirm-ok").click()
    await user.should_not_see(marker=f"vessel-{VESSEL['imo']}", retries=50)
    assert logged(harness, room, "vessel removed")


async def test_a_note_and_expiry_are_saved_without_a_status_change(harness: Harness) -> None:
    user, room, sts = harness.user, harness.demo_room_id(), harness.sts
    doc = next(d for d in sts.documents.views_of(room) if d["effective_status"] == "approved" and d["has_expiry"])
    await sign_in(user, ADMIN_EMAIL, f"/rooms/{room}")
    user.find(marker=f"review-{doc['id']}").click()
    user.find(marker="review-notes").clear().type("Checked against the original")
    user.find(marker="review-expiry").clear().type("2031-05-01")
    user.find(marker="review-save").click()
    await wait_for(lambda: sts.rooms.document(room, doc["id"]).notes.startswith("Checked"), what="the note saved")
    stored = sts.rooms.document(room, doc["id"])
    assert stored.status == "approved" and stored.notes == "Checked against the original"
    assert str(stored.expires_on)[:10] == "2031-05-01"
    assert "Checked against the original" in logged(harness, room, "document reviewed")["details"]


async def test_setting_ready_while_not_ready_asks_and_is_logged(harness: Harness) -> None:
    user, room, sts = harness.user, harness.demo_room_id(), harness.sts
    assert not sts.rooms.readiness(room)["ready"]
    await sign_in(user, ADMIN_EMAIL, f"/rooms/{room}")
    user.find(marker="room-status").click()
    user.find(marker="room-status-ready").click()
    await user.should_see("although it is not ready", retries=50)
    user.find(marker="confirm-ok").click()
    await wait_for(lambda: sts.rooms.get(room)["status"] == "ready", what="the status")  # type: ignore[index]
    assert "while not ready" in logged(harness, room, "room updated")["details"]


async def test_a_snapshot_download_is_named_for_room_title_and_day(harness: Harness) -> None:
    from urllib.parse import unquote

    room = harness.demo_room_id()
    made = (await harness.client.post(f"/api/v1/rooms/{room}/snapshots", json={"title": "Før fortøjning"},
                                      headers=harness.admin)).json()
    assert (await harness.wait_task(made["task_id"], harness.admin))["status"] == "completed"
    answer = await harness.client.get(f"/api/v1/rooms/{room}/snapshots/{made['id']}/download", headers=harness.admin)
    header = answer.headers["content-disposition"]
    real = unquote(header.split("filename*=UTF-8''")[1])
    assert real == f"Skaw_STS_MT_Nordic_Ørsted_MT_São_Paulo_Star_-_Før_fortøjning_-_{made['created_at'][:10]}.pdf"
    assert 'filename="Skaw_STS_MT_Nordic_Orsted_MT_Sao_Paulo_Star_-_For_fortojning_-_' in header
    header.encode("latin-1")  # a header stays ASCII-safe

    await sign_in(harness.user, ADMIN_EMAIL, f"/rooms/{room}")
    await harness.user.should_see(marker="snapshot-download", retries=50)
    href = str(elements(harness.user, "snapshot-download")[0].props["href"])
    assert unquote(href.rsplit("/", 1)[1]) == real  # a native window's save dialog proposes the URL's last segment
    again = await harness.client.get(href)
    assert again.status_code == 200 and again.headers["content-disposition"] == header


@pytest.mark.parametrize("origins", ["", "https://client.example"])
async def test_cors_is_off_unless_origins_are_set(tmp_path: Any, origins: str) -> None:
    from sts_snapshots.settings import Settings
    from tests.harness import running_app

    settings = Settings.load({"data_dir": tmp_path / "data", "workers": 0, "open_browser": False,
                              "cors_origins": origins}, env={})
    async with running_app(settings) as harness:
        answer = await harness.client.options("/api/v1/rooms", headers={
            "Origin": "https://client.example", "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization"})
        allowed = answer.headers.get("access-control-allow-origin")
        assert allowed == (origins or None)
        other = await harness.client.get("/api/v1/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_a_bad_cors_origin_is_refused() -> None:
    from sts_snapshots.settings import Settings, SettingsError

    with pytest.raises(SettingsError, match="cors_origins"):
        Settings.load({"cors_origins": "client.example/app"}, env={})


async def test_the_planned_duration_is_edited_with_the_room(harness: Harness) -> None:
    user, room = harness.user, harness.demo_room_id()
    await sign_in(user, ADMIN_EMAIL, f"/rooms/{room}")
    user.find(marker="edit-room").click()
    hours = user.find(marker="edit-hours").elements.pop()
    hours.value = 72
    user.find(marker="edit-room-ok").click()
    await wait_for(lambda: (harness.sts.rooms.get(room) or {}).get("planned_hours") == 72, what="the new duration")
    assert "planned_hours" in logged(harness, room, "room updated")["details"]
