"""The room page's Checklists section through NiceGUI's simulated user: one tap answers, sides are kept apart,
an admin re-opens with a reason; and the operation window's sentence on a document."""

from __future__ import annotations

from typing import Any

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
    assert not elements(user, "answer-before-transfer-4.4-yes")  # a closed panel: its items are not built yet
    open_panel(user, "before-transfer")
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
    await user.should_see(marker="checklist-pre-arrival")
    open_panel(user, "pre-arrival")
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


def open_panel(user: Any, tag: str) -> None:
    """Open a checklist's panel as a tap does (a closed panel's items are built when it opens)."""
    panel = elements(user, f"checklist-{tag}")[0]
    panel.value = True  # type: ignore[attr-defined]


def finish(harness: Harness, codes: tuple[str, ...]) -> None:
    """Answer every required item of the demo room's checklists ``codes`` and sign them off, as the admin."""
    sts, room_id = harness.sts, harness.demo_room_id()
    admin = sts.users.get(ADMIN_EMAIL)
    assert admin is not None
    for code in codes:
        c = checklist(harness, code)
        for item in c["items"]:
            if item["required"] and item["answer"] is None:
                sts.checklists.answer(admin, room_id, c["id"], item["id"], "yes" if "yes" in item["kind"] else "7")
        for side in c["sign_off"]:
            if side not in {s["side"] for s in c["signoffs"]}:
                sts.checklists.sign_off(admin, room_id, c["id"], side, "Test Master", "Master")


async def test_a_party_starts_the_next_round_of_the_during_transfer_checks(harness: Harness) -> None:
    user, room_id = harness.user, harness.demo_room_id()
    finish(harness, ("run-in-mooring", "before-transfer", "during-transfer"))
    await sign_in(user, MEMBER_EMAIL, f"/rooms/{room_id}")  # the POAC: a party of the room
    await user.should_see("5. During transfer (repeated checks) — Round 1 — Signed off")
    await user.should_see("Round 1 signed off. Repeated every 4 h.")
    user.find(marker="start-round-during-transfer").click()
    await user.should_see("5. During transfer (repeated checks) — Round 2 — Open · 3 required open")
    found = harness.sts.checklists.views_of(room_id)["pairs"][0]["checklists"]
    rounds = [c for c in found if c["code"] == "during-transfer"]
    assert [(c["round"], c["state"]) for c in rounds] == [(1, "signed_off"), (2, "open")]
    assert rounds[1]["started_by"] == MEMBER_EMAIL
    await user.should_see(f"Round 2 of 2, started {rounds[1]['started_at'][:16].replace('T', ' ')} UTC by "
                          f"{MEMBER_EMAIL}")
    assert not elements(user, "start-round-during-transfer")
    entry = harness.sts.rooms.activity_for(room_id, limit=1)[0]
    assert entry["action"] == "checklist round started" and "round 2" in entry["details"]
    # the new round is the one to work on: it is open, and its POAC item is answered with one tap
    assert [e.value for e in elements(user, "checklist-during-transfer-r2")] == [True]  # type: ignore[attr-defined]
    user.find(marker="answer-during-transfer-r2-5.3-yes").click()
    await wait_for(lambda: [c for c in harness.sts.checklists.views_of(room_id)["pairs"][0]["checklists"]
                            if c["code"] == "during-transfer"][1]["items"][2]["answer"] == "yes",
                   what="round 2's answer stored")
    assert checklist(harness, "during-transfer")["round"] == 1
