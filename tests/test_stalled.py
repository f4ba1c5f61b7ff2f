"""What the stalled-job sweep decides for a generation whose render node stopped: plain functions, called directly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sts_snapshots.app import build_app, seed_if_empty
from sts_snapshots.context import StsApp
from sts_snapshots.demo import ADMIN_EMAIL
from sts_snapshots.settings import Settings
from sts_snapshots.snapshots.stalled import settle_stalled, was_put_back


@pytest.fixture
def sts(settings: Settings) -> Iterator[StsApp]:
    """The embedded app, not started: a created snapshot's task stays pending, as a job waiting in the queue."""
    app = build_app(settings)
    seed_if_empty(app)
    yield app
    app.stop()


def running_snapshot(sts: StsApp, attempts: int) -> dict[str, Any]:
    """A snapshot whose generation was started ``attempts`` times, and a partial PDF its last render left."""
    admin = sts.users.get(ADMIN_EMAIL)
    assert admin is not None
    view = dict(sts.snapshots.create(admin, sts.rooms.room_ids()[0], "Stalled"))
    for _ in range(attempts):
        sts.tasks.start(view["task_id"])
    pdf = sts.layout.snapshot_pdf(view["id"])
    Path(pdf.parent / f".{pdf.name}.abc123.tmp").write_bytes(b"%PDF-1.7 partial")
    return view


def settle(sts: StsApp, snapshot_id: str) -> str:
    return settle_stalled(sts.pipeline.records, sts.tasks, sts.layout, snapshot_id, sts.settings.max_task_attempts)


def partials(sts: StsApp) -> list[Path]:
    return list(sts.layout.snapshots.glob(".*.tmp"))


def test_an_attempt_left_means_a_retry(sts: StsApp) -> None:
    view = running_snapshot(sts, attempts=1)
    assert settle(sts, view["id"]) == "retry"
    task = sts.tasks.get(view["task_id"])
    assert task is not None and task["status"] == "pending" and task["attempts"] == 1
    assert partials(sts) == []


def test_the_last_attempt_fails_the_task_and_the_snapshot_readably(sts: StsApp) -> None:
    view = running_snapshot(sts, attempts=sts.settings.max_task_attempts)
    assert settle(sts, view["id"]) == "failed"
    task, snapshot = sts.tasks.get(view["task_id"]), sts.pipeline.records.get(view["id"])
    assert task is not None and snapshot is not None
    assert task["status"] == snapshot["status"] == "failed"
    assert task["error"] == snapshot["error"] == "interrupted: the render node stopped during generation (2 attempts)"
    assert partials(sts) == []


def test_a_snapshot_stored_before_its_node_stopped_is_completed_not_rendered_again(sts: StsApp) -> None:
    view = running_snapshot(sts, attempts=1)
    sts.pipeline.records.update(view["id"], {"status": "completed", "pages": 3, "file_size": 10})
    assert settle(sts, view["id"]) == "settled"
    task = sts.tasks.get(view["task_id"])
    assert task is not None and task["status"] == "completed" and task["result"]["pages"] == 3


@pytest.mark.parametrize("gone", ["cancelled", "deleted"])
def test_a_cancelled_or_deleted_snapshot_is_settled(sts: StsApp, gone: str) -> None:
    view = running_snapshot(sts, attempts=1)
    if gone == "cancelled":
        sts.tasks.cancel(view["task_id"])
    else:
        sts.pipeline.records.remove(view["id"])
    assert settle(sts, view["id"]) == "settled"
    assert not was_put_back(sts.pipeline.records, sts.tasks, view["id"])


def test_put_back_is_a_pending_task_of_a_snapshot_that_still_exists(sts: StsApp) -> None:
    view = running_snapshot(sts, attempts=1)
    assert not was_put_back(sts.pipeline.records, sts.tasks, view["id"])  # running
    sts.tasks.put_back(view["task_id"])
    assert was_put_back(sts.pipeline.records, sts.tasks, view["id"])
    sts.pipeline.records.remove(view["id"])
    assert not was_put_back(sts.pipeline.records, sts.tasks, view["id"])
