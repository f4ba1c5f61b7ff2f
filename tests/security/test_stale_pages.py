"""A page opened before its user lost a right acts with the rights of now (issue 13, point 1)."""

from __future__ import annotations

from sts_snapshots.demo import ADMIN_EMAIL, MEMBER_EMAIL
from sts_snapshots.services.users import LOCAL_ADMIN
from tests.harness import Harness
from tests.test_ui_support import sign_in, wait_for


async def test_an_open_room_page_of_a_demoted_admin_cannot_delete_a_snapshot(harness: Harness) -> None:
    user, sts, room = harness.user, harness.sts, harness.demo_room_id()
    admin = sts.users.get(ADMIN_EMAIL)
    assert admin is not None
    snapshot = sts.snapshots.create(admin, room, "Kept", "pdf", False)
    sts.users.add(LOCAL_ADMIN, "other.admin@example.com", "long-enough-pass", role="admin")
    await wait_for(lambda: sts.snapshots.get(admin, room, snapshot["id"])["status"] == "completed", timeout=120,
                   what="the snapshot to complete")  # its Delete button shows once it has
    await sign_in(user, ADMIN_EMAIL, f"/rooms/{room}")
    await user.should_see(marker="snapshot-delete", retries=50)
    sts.users.set_role(LOCAL_ADMIN, ADMIN_EMAIL, "user")  # meanwhile, the other admin demoted this one
    user.find(marker="snapshot-delete").click()
    await user.should_see("Delete snapshot?", retries=50)
    user.find(marker="confirm-ok").click()
    await user.should_see("Only an admin may delete snapshots", retries=50)
    assert sts.pipeline.records.get(snapshot["id"]) is not None


async def test_an_open_room_page_of_a_removed_member_cannot_create_a_snapshot(harness: Harness) -> None:
    user, sts, room = harness.user, harness.sts, harness.demo_room_id()
    await sign_in(user, MEMBER_EMAIL, f"/rooms/{room}")
    await user.should_see(marker="create-snapshot")
    sts.users.remove(LOCAL_ADMIN, MEMBER_EMAIL)  # still a party of the room by e-mail, but no longer an account
    user.find(marker="create-snapshot").click()
    await user.should_see(marker="create-snapshot-ok", retries=50)
    user.find(marker="create-snapshot-ok").click()
    await user.should_see("You are signed out: sign in again to go on", retries=50)
    await wait_for(lambda: user.back_history[-1].startswith("/login"), what="the way to sign in again")
    assert sts.snapshots.list(LOCAL_ADMIN, room) == []
