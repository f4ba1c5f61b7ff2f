"""Partial packs (a sync's): files the receiver holds are left out; only a partial import takes them, and only when
this installation really holds those files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from sts_snapshots.app import build_app
from sts_snapshots.packs import PackRefused, import_pack
from sts_snapshots.packs.export import write_pack
from sts_snapshots.packs.sync import SYNC_JOB, SYNC_USER, held_sha256s, sync_all
from sts_snapshots.services.users import LOCAL_ADMIN
from sts_snapshots.settings import Settings
from tests.harness import Harness, running_app


def test_a_partial_pack_needs_the_files_it_leaves_out(harness: Harness, tmp_path: Path) -> None:
    sts, room_id = harness.sts, harness.demo_room_id()
    held = held_sha256s(sts, room_id)
    assert held
    whole, partial = io.BytesIO(), io.BytesIO()
    full = write_pack(sts, LOCAL_ADMIN, room_id, whole, snapshots=True)
    summary = write_pack(sts, LOCAL_ADMIN, room_id, partial, snapshots=True, leave_out=frozenset(held))
    assert summary.left_out == full.files and summary.files == 0 and summary.size < full.size

    other = build_app(Settings.load({"data_dir": tmp_path / "other", "workers": 0, "demo": False}, env={}))
    try:
        for as_partial, reason in ((False, "the pack lacks its file"), (True, "which this installation does not hold")):
            partial.seek(0)
            with pytest.raises(PackRefused, match=reason):
                import_pack(other, LOCAL_ADMIN, partial, trust=True, partial=as_partial)
        assert other.rooms.get(room_id) is None  # nothing written
        whole.seek(0)
        assert not import_pack(other, LOCAL_ADMIN, whole, trust=True).merged
        partial.seek(0)  # now it holds every file: the partial pack merges
        again = import_pack(other, LOCAL_ADMIN, partial, partial=True)
        assert again.merged and again.conflicts == 0
    finally:
        other.stores.close()



async def test_automatic_sync_is_off_by_default(harness: Harness) -> None:
    assert harness.sts.scheduler.get_job(SYNC_JOB) is None
    assert sync_all(harness.sts, SYNC_USER) == []  # no peer paired: nothing contacted


async def test_automatic_sync_is_a_scheduler_job_when_asked_for(tmp_path: Path) -> None:
    settings = Settings.load({"data_dir": tmp_path / "auto", "workers": 0, "open_browser": False,
                              "sync_interval_minutes": 15}, env={})
    async with running_app(settings) as running:
        job = running.sts.scheduler.get_job(SYNC_JOB)
        assert job is not None and job.trigger.interval.total_seconds() == 15 * 60
