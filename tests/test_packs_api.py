"""A room pack with its snapshot PDFs, through the API (in-process) and into another installation (the CLI)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from click.testing import CliRunner

from sts_snapshots.app import build_app
from sts_snapshots.cli import main
from sts_snapshots.services.users import LOCAL_ADMIN
from sts_snapshots.settings import Settings
from tests.harness import API, Harness


async def test_a_pack_carries_the_room_s_snapshots_when_asked(harness: Harness, tmp_path: Path) -> None:
    room_id = harness.demo_room_id()
    created = await harness.client.post(f"{API}/rooms/{room_id}/snapshots", headers=harness.admin, json={})
    task = await harness.wait_task(created.json()["task_id"], harness.admin)
    assert task["status"] == "completed", task
    plain = await harness.client.post(f"{API}/rooms/{room_id}/export", headers=harness.admin)
    full = await harness.client.post(f"{API}/rooms/{room_id}/export", params={"snapshots": True},
                                     headers=harness.admin)
    assert plain.status_code == full.status_code == 200
    assert len(full.content) > len(plain.content)  # the PDF is in it
    pack = tmp_path / "room.stsroom"
    pack.write_bytes(full.content)
    vessel = tmp_path / "vessel"
    result = CliRunner().invoke(main, ["room", "import", str(pack), "--trust", "--data-dir", str(vessel)],
                                catch_exceptions=False)
    assert result.exit_code == 0 and "1 snapshots" in result.output, result.output
    sts = build_app(Settings.load({"data_dir": vessel, "workers": 0}, env={}))
    [record] = sts.pipeline.records.of_room(room_id)
    assert record["id"] == created.json()["id"] and record["status"] == "completed"
    pdf = sts.layout.snapshot_pdf(record["id"]).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == record["sha256"] == task["result"]["sha256"]
    assert sts.pipeline.records.get(record["id"]) == record
    path, _record = sts.snapshots.download(LOCAL_ADMIN, room_id, record["id"])  # served there as it was here
    assert path.read_bytes() == pdf
