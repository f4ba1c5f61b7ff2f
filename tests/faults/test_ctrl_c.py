"""Ctrl+C (or a service stop) while snapshots render: a quiet, clean stop, and nothing lost or failed."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.faults.client import Api
from tests.faults.integrity import assert_pdfs_whole, assert_stores_parse
from tests.faults.server_process import Fleet

pytestmark = [pytest.mark.faults, pytest.mark.skipif(sys.platform != "linux", reason="process groups and /proc")]


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "service-stop"])
def test_ctrl_c_while_rendering_stops_quietly_and_the_next_start_finishes_the_work(fleet: Fleet, tmp_path: Path,
                                                                                  stop: signal.Signals) -> None:
    data = tmp_path / "data"
    server = fleet.start(data, workers=1, own_process_group=True)
    with Api(server.url) as api:
        room_id = api.demo_room()
        created = [api.create_snapshot(room_id, f"Before Ctrl+C {i}", include_documents=True) for i in range(6)]
        deadline = time.monotonic() + 60
        while not any(api.call("GET", f"/snapshots/tasks/{s['task_id']}")["status"] == "running" for s in created):
            assert time.monotonic() < deadline, "no generation started"
            time.sleep(0.05)
    # Ctrl+C signals the whole foreground group, workers included; so does a service manager's stop (systemd's
    # default KillMode=control-group sends SIGTERM to every process of the service)
    os.killpg(server.pid, stop)
    assert server.process.wait(timeout=60) == 0
    assert fleet.wait_all_gone(15) == [], "a render worker outlived the server"
    output = server.output()
    assert "Traceback" not in output and " ERROR " not in output, output[-3000:]
    assert "STS Snapshots stopped." in output, output[-1000:]
    snapshots = assert_stores_parse(data)
    assert {s["status"] for s in snapshots.values()} <= {"generating", "completed"}, snapshots
    tasks = [t for path in (data / "uploads" / ".tasks" / "by-id").glob("*.json")
             for t in json.loads(path.read_text())["tasks"].values()]
    assert {t["status"] for t in tasks} <= {"pending", "running", "completed"}, [t["error"] for t in tasks]
    assert_pdfs_whole(data, settled=False)

    again = fleet.start(data, workers=1)
    with Api(again.url) as api:
        finished = api.wait_finished([room_id], timeout=180)
    assert sorted(s["id"] for s in finished) == sorted(s["id"] for s in created)
    assert {s["status"] for s in finished} == {"completed"}, [(s["title"], s["error"]) for s in finished]
    fleet.stop(again)
    assert_pdfs_whole(data, settled=True)
