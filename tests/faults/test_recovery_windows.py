"""The two crash windows of a generation a random kill -9 rarely hits, put in place deterministically.

A job stores the PDF (worker), then records the snapshot as completed, then completes the task. A crash
between those steps leaves store states the restarted server's recovery must settle without breaking
the rule that every PDF in uploads/snapshots is a completed snapshot's, with its recorded SHA-256.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sts_snapshots.app import build_app, seed_if_empty
from sts_snapshots.context import StsApp
from sts_snapshots.demo import ADMIN_EMAIL
from sts_snapshots.settings import Settings
from sts_snapshots.snapshots.pipeline import generate_snapshot
from tests.faults.integrity import assert_pdfs_whole
from tests.stored import edit_task

pytestmark = pytest.mark.faults


def generated(tmp_path: Path) -> tuple[Settings, StsApp, dict[str, str]]:
    settings = Settings.load({"data_dir": tmp_path / "data", "workers": 0, "max_task_attempts": 2}, env={})
    sts = build_app(settings)
    seed_if_empty(sts)
    admin = sts.users.get(ADMIN_EMAIL)
    assert admin is not None
    created = sts.snapshots.create(admin, sts.rooms.room_ids()[0], "crash window", "pdf", False)
    assert generate_snapshot(sts.pipeline, created["id"]) is not None
    return settings, sts, created


def test_crash_after_the_snapshot_was_recorded_keeps_it(tmp_path: Path) -> None:
    settings, first, created = generated(tmp_path)
    pdf = first.layout.snapshot_pdf(created["id"]).read_bytes()
    edit_task(first.layout, created["task_id"], {"status": "running", "attempts": 1})  # tasks.complete never ran
    second = build_app(settings)
    assert second.recover() == []  # not rendered again: that would replace the recorded PDF
    task = second.tasks.get(created["task_id"])
    assert task is not None and task["status"] == "completed"
    assert task["result"]["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert second.layout.snapshot_pdf(created["id"]).read_bytes() == pdf
    assert_pdfs_whole(settings.data_dir, settled=True)


def test_crash_before_the_pdf_was_recorded_on_the_last_attempt_removes_it(tmp_path: Path) -> None:
    settings, first, created = generated(tmp_path)
    # the worker wrote the PDF, the server died before recording it, and this was the last attempt
    first.pipeline.records.update(created["id"], {"status": "generating", "sha256": None, "pages": None})
    edit_task(first.layout, created["task_id"], {"status": "running", "attempts": 2})
    second = build_app(settings)
    assert second.recover() == []
    record = second.pipeline.records.get(created["id"])
    assert record is not None and record["status"] == "failed" and "interrupted" in record["error"]
    assert not second.layout.snapshot_pdf(created["id"]).exists()
    assert_pdfs_whole(settings.data_dir, settled=True)
