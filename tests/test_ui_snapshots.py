"""Snapshots in the room page: create one, watch its progress live to 100 %, download, preview, task page, delete."""

from __future__ import annotations

from typing import Any

import pytest

from sts_snapshots.demo import ADMIN_EMAIL, MEMBER_EMAIL
from tests.harness import Harness
from tests.test_ui_support import OUTSIDER_EMAIL, add_people, elements, prop, sign_in, sign_out, texts, wait_for


async def test_create_snapshot_watch_it_complete_then_outsider_and_admin(harness: Harness) -> None:
    user, room_id, sts = harness.user, harness.demo_room_id(), harness.sts
    await sign_in(user, MEMBER_EMAIL, f"/rooms/{room_id}")
    await user.should_see("No snapshots yet")
    user.find(marker="create-snapshot").click()
    user.find(marker="snapshot-title").type("Pre-arrival status")
    user.find(marker="create-snapshot-ok").click()
    await user.should_see("Generating “Pre-arrival status”", retries=50)
    await user.should_see(marker="snapshot-progress", retries=50)  # the live row, no reload

    seen: list[str] = []
    def progressed() -> bool:
        for text in texts(user, "snapshot-percent"):
            if not seen or seen[-1] != text:
                seen.append(text)
        return bool(elements(user, "snapshot-download"))

    await wait_for(progressed, timeout=90, what="the snapshot to complete")
    assert seen and all(t.endswith("%") for t in seen), seen
    snapshot = sts.snapshots.list(sts.users.get(MEMBER_EMAIL), room_id)[0]  # type: ignore[arg-type]
    task = sts.tasks.get(snapshot["task_id"])
    assert snapshot["status"] == "completed" and task and task["progress"] == 100
    await user.should_see(marker="status-completed")
    await user.should_see(f"{snapshot['pages']} pages", retries=20)
    await user.should_not_see(marker="snapshot-delete")  # only admins delete
    await user.should_see("snapshot generated", retries=50)  # the activity log followed

    download = await harness.client.get(prop(user, "snapshot-download", "href"))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert download.headers["content-disposition"].startswith("attachment")
    # Preview opens the PDF inside the app (a native window has no tab with the session)
    user.find(marker="snapshot-preview").click()
    await user.should_see(marker="preview-frame", retries=20)
    preview = await harness.client.get(prop(user, "preview-frame", "src"))
    assert preview.headers["content-disposition"].startswith("inline")
    user.find(marker="preview-close").click()

    await user.open(prop(user, "snapshot-details", "href"))
    await user.should_see("Pre-arrival status")
    await user.should_see("100%")
    await user.should_see("Generation time")
    await user.should_see(marker="task-result")

    # an outsider sees neither the task nor the file
    add_people(harness)
    await sign_out(user)
    await sign_in(user, OUTSIDER_EMAIL, f"/tasks/{snapshot['task_id']}")
    await user.should_see("Task not found")
    await user.open("/tasks/not-a-task")
    await user.should_see("Task not found")
    assert (await harness.client.get(f"/ui/files/snapshots/{room_id}/{snapshot['id']}")).status_code == 404

    # an admin may delete it, after confirming
    await sign_out(user)
    await sign_in(user, ADMIN_EMAIL, f"/tasks/{snapshot['task_id']}")
    await user.should_see(marker="task-result")  # admins see every room's tasks
    await user.open(f"/rooms/{room_id}")
    await user.should_see("Pre-arrival status")
    user.find(marker="snapshot-delete").click()
    await user.should_see("Delete snapshot?", retries=50)
    user.find(marker="confirm-ok").click()
    await user.should_see("Snapshot deleted", retries=50)
    await user.should_see("No snapshots yet", retries=50)
    assert sts.pipeline.records.get(snapshot["id"]) is None


@pytest.mark.allow_error_logs  # the failed generation is logged as an ERROR on purpose
async def test_failed_snapshot_shows_its_error(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(job: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("the PDF renderer ran out of disk space")

    monkeypatch.setattr(harness.sts.pipeline.pool, "run", broken)
    user = harness.user
    await sign_in(user, ADMIN_EMAIL, f"/rooms/{harness.demo_room_id()}")
    user.find(marker="create-snapshot").click()
    user.find(marker="create-snapshot-ok").click()
    await wait_for(lambda: elements(user, "status-failed"), timeout=30, what="the failure to show")
    await user.should_see("the PDF renderer ran out of disk space", retries=50)
    await user.should_not_see(marker="snapshot-download")
