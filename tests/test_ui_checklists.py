"""The room page's Checklists section through NiceGUI's simulated user: one tap answers, sides are kept apart,
an admin re-opens with a reason; and the operation window's sentence on a document."""

from __future__ import annotations

from sts_snapshots.demo import ADMIN_EMAIL, MEMBER_EMAIL
from tests.harness import Harness
from tests.test_ui_support import elements, sign_in, sign_out, wait_for


def checklist(harness: Harness, code: str) -> dict:  # type: ignore[type-arg]
    found = harness.sts.checklists.views_of(harness.demo_room_id())["pairs"][0]["checklists"]
    return next(dict(c) for c in found if c["code"] == code)


async def test_the_poac_answers_its_items_in_one_tap(harness: Harness) -> None:
    user, room_id = harness.user, harness.demo_room_id()
    await sign_in(user, MEMBER_EMAIL, f"/rooms/{room_id}")  # the demo's mooring master: the POAC
    await user.should_see("Checklists")
    await user.should_see("Before run-in and mooring")
    await user.should_see("expires 2 days before the end of the operation (ETA + 48 h)")
    assert elements(user, "answer-before-transfer-4.4-yes")  # the POAC's item
    assert not [e for e in elements(user, "answer-before-transfer-4.2-yes") if e.enabled]  # the mother's item
    assert not elements(user, "sign-run-in-mooring-mother")  # the POAC does not sign for a ship
    user.find(marker="answer-before-transfer-4.4-yes").click()
    await wait_for(lambda: next(i for i in checklist(harness, "before-transfer")["items"]
                                if i["id"] == "4.4")["answer"] == "yes", what="the answer stored")
    log = harness.sts.rooms.activity_for(room_id, limit=1)[0]
    assert log["action"] == "checklist answered" and log["actor"] == MEMBER_EMAIL


async def test_an_admin_reopens_a_signed_checklist_with_a_reason(harness: Harness) -> None:
    user, room_id = harness.user, harness.demo_room_id()
    await sign_in(user, ADMIN_EMAIL, f"/rooms/{room_id}")
    await user.should_see(marker="signoff-pre-arrival-mother")
    user.find(marker="reopen-pre-arrival").click()
    await user.should_see(marker="reopen-dialog")
    user.find(marker="reopen-confirm").click()  # no reason: refused, the dialog stays
    await wait_for(lambda: user.notify.contains("Reason is required"), what="the refusal")
    await user.should_see(marker="reopen-dialog")
    assert checklist(harness, "pre-arrival")["state"] == "signed_off"
    user.find(marker="reopen-reason").type("Fender certificate replaced")
    user.find(marker="reopen-confirm").click()
    await wait_for(lambda: checklist(harness, "pre-arrival")["state"] == "open", what="the checklist re-opened")
    entry = harness.sts.rooms.activity_for(room_id, limit=1)[0]
    assert entry["action"] == "checklist re-opened" and "Fender certificate replaced" in entry["details"]


async def test_admins_see_the_installed_sets(harness: Harness) -> None:
    user = harness.user
    await sign_in(user, ADMIN_EMAIL, "/checklist-sets")
    await user.should_see(marker="set-generic-sample@1")
    await user.should_see("Generic STS checklists (SAMPLE) — generic-sample@1  · SAMPLE")
    await sign_out(user)
    await sign_in(user, MEMBER_EMAIL, "/checklist-sets")
    await user.should_see("Only administrators see the installed checklist sets.")


async def test_an_admin_changes_the_set_only_while_nothing_is_answered(harness: Harness) -> None:
    user, room_id = harness.user, harness.demo_room_id()
    await sign_in(user, ADMIN_EMAIL, f"/rooms/{room_id}")
    user.find(marker="change-set").click()
    await user.should_see(marker="set-dialog")
    choice = user.find(marker="set-choice").elements.pop()
    choice.value = next(iter(choice.options))  # type: ignore[attr-defined]
    user.find(marker="set-confirm").click()  # the demo room's checklists are started: refused, with the reason
    await wait_for(lambda: user.notify.contains("can no longer be changed"), what="the refusal")
    assert not [a for a in harness.sts.rooms.activity_for(room_id, limit=5) if a["action"] == "checklist set attached"]
