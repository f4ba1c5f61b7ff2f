"""The room page: what members, viewers, outsiders and admins see; uploading, reviewing, vessels and parties."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from sts_snapshots.demo import ADMIN_EMAIL, MEMBER_EMAIL
from tests.harness import Harness
from tests.test_ui_support import (
    OUTSIDER_EMAIL,
    VIEWER_EMAIL,
    add_people,
    contains,
    elements,
    prop,
    sign_in,
    sign_out,
    texts,
    wait_for,
)


def demo_doc(harness: Harness, type_code: str, status: str) -> dict[str, Any]:
    room_id = harness.demo_room_id()
    return next(d for d in harness.sts.rooms.documents_of(room_id)
                if d["type_code"] == type_code and d["status"] == status)


def doc_status(sts: Any, doc: dict[str, Any]) -> str:
    """The stored status of ``doc`` now."""
    return next(d["status"] for d in sts.rooms.documents_of(doc["room_id"]) if d["id"] == doc["id"])


# (who, may review, may upload, may add vessels and parties)
ROLES = [(ADMIN_EMAIL, True, True, True), (MEMBER_EMAIL, True, True, True),  # the mooring master reviews
         (VIEWER_EMAIL, False, False, False)]


async def test_room_page_shows_what_each_role_may_do_and_outsiders_nothing(harness: Harness) -> None:
    add_people(harness)
    user, room_id = harness.user, harness.demo_room_id()
    issc = demo_doc(harness, "ISSC", "approved")  # the mother's ISSC expired last week
    for email, reviews, uploads, manages in ROLES:
        await sign_in(user, email, f"/rooms/{room_id}")
        for text in ("Skaw STS — MT Nordic Ørsted / MT São Paulo Star", "MT Nordic Ørsted",
                     "IMO 9321483 · Flag Norway", "Operation", "Clearance readiness", "22 of 34 approved",
                     "Parties & approvals", "Activity", "No snapshots yet", "International Ship Security Certificate"):
            await user.should_see(text)
        await user.should_see(marker="status-soon")
        with user.scope(marker=f"doc-{issc['id']}"):
            await user.should_see(marker="status-expired")
            await user.should_see("Certificate expired last week: the owner must send the renewed ISSC.")
        assert bool(elements(user, f"review-{issc['id']}")) is reviews, email
        assert bool(elements(user, f"upload-{issc['id']}")) is uploads, email
        assert bool(elements(user, "add-vessel")) is manages, email
        assert bool(elements(user, "add-party")) is manages, email
        await sign_out(user)

    await sign_in(user, OUTSIDER_EMAIL, f"/rooms/{room_id}")
    await user.should_see("Room not found")
    await user.should_not_see("Clearance readiness")
    response = await harness.client.get(f"/ui/files/documents/{room_id}/{issc['id']}")
    assert response.status_code == 404
    await user.open("/rooms/not-a-room")
    await user.should_see("Room not found")


async def test_filter_upload_and_review_a_document(harness: Harness) -> None:
    user, room_id, sts = harness.user, harness.demo_room_id(), harness.sts
    await sign_in(user, MEMBER_EMAIL, f"/rooms/{room_id}")
    user.find(marker="filter-missing").click()
    crew = next(d for d in sts.documents.list(sts.users.get(MEMBER_EMAIL), room_id, "missing")  # type: ignore[arg-type]
                if d["type_code"] == "CREW")
    await user.should_see(marker=f"doc-{crew['id']}")
    await user.should_not_see(marker=f"doc-{demo_doc(harness, 'Q88', 'approved')['id']}")

    user.find(marker=f"upload-{crew['id']}").click()
    upload = elements(user, "upload-input")[0]
    assert isinstance(upload, ui.upload)
    await upload.handle_uploads([ui.upload.SmallFileUpload("crew-list.pdf", "application/pdf", b"%PDF-1.4 crew")])
    await user.should_see("crew-list.pdf uploaded: Crew list is now under review", retries=50)
    await wait_for(lambda: doc_status(sts, crew) == "under_review", what="the upload")
    await user.should_not_see(marker=f"doc-{crew['id']}")  # no longer missing: the filter hides it
    user.find(marker="filter-all").click()
    await wait_for(lambda: contains(user, f"doc-{crew['id']}", inner="status-under_review"), what="under review")
    href = prop(user, f"download-{crew['id']}", "href")
    assert (await harness.client.get(href)).content == b"%PDF-1.4 crew"

    user.find(marker=f"review-{crew['id']}").click()
    user.find(marker="reject").click()  # a rejection needs a note
    await user.should_see(marker="review-notes")
    assert doc_status(sts, crew) == "under_review"
    user.find(marker="review-notes").type("Crew list is unsigned.")
    user.find(marker="reject").click()
    await wait_for(lambda: doc_status(sts, crew) == "rejected", what="the rejection")
    await user.should_see("Crew list is unsigned.", retries=50)

    user.find(marker=f"review-{crew['id']}").click()
    user.find(marker="review-notes").clear()
    user.find(marker="approve").click()
    await wait_for(lambda: doc_status(sts, crew) == "approved", what="the approval")
    await user.should_see("23 of 34 approved", retries=50)  # the sections reload after the review
    await user.should_see("document reviewed", retries=50)


async def test_manager_adds_vessel_sets_status_adds_party_and_approval(harness: Harness) -> None:
    user, room_id, sts = harness.user, harness.demo_room_id(), harness.sts
    await sign_in(user, ADMIN_EMAIL, f"/rooms/{room_id}")
    user.find(marker="add-vessel").click()
    user.find(marker="vessel-name").type("MT Gamma")
    user.find(marker="vessel-imo").type("9074728")
    user.find(marker="add-vessel-ok").click()
    await wait_for(lambda: "wrong check digit" in texts(user, "vessel-error")[0], what="the IMO error")
    user.find(marker="vessel-imo").clear().type("9074729")
    user.find(marker="add-vessel-ok").click()
    await user.should_see("MT Gamma added", retries=50)
    await user.should_see(marker="vessel-9074729", retries=50)
    assert len(sts.rooms.vessels_of(room_id)) == 3

    user.find(marker="room-status-active").click()
    await wait_for(lambda: sts.rooms.get(room_id)["status"] == "active", what="the status change")  # type: ignore[index]
    await user.should_see(marker="status-active", retries=50)

    user.find(marker="add-party").click()
    user.find(marker="party-name").type("Tom Terminal")
    user.find(marker="party-email").type("tom@terminal.example")
    user.find(marker="add-party-ok").click()
    await user.should_see("Tom Terminal added", retries=50)
    party = next(p for p in sts.rooms.parties_of(room_id) if p["name"] == "Tom Terminal")
    await user.should_see(marker=f"approval-{party['id']}", retries=50)

    user.find(marker=f"approval-{party['id']}").click()  # an admin may set any party's approval
    user.find(kind=ui.toggle, marker="approval-choice").elements.pop().set_value("approved")
    user.find(marker="approval-comment").type("Berth confirmed.")
    user.find(marker="approval-save").click()
    approval = await wait_for(lambda: next((a for a in sts.rooms.approvals_of(room_id) if a["party_id"] == party["id"]
                                            if a["status"] == "approved"), None), what="the approval")
    assert approval["comment"] == "Berth confirmed." and approval["updated_by"] == ADMIN_EMAIL
    await wait_for(lambda: contains(user, f"party-{party['id']}", inner="status-approved", text="Berth confirmed."),
                   what="the party's approval to show")
