"""A store file that does not parse at start: the real server refuses, names it, and changes nothing."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sts_snapshots.app import build_app, seed_if_empty
from sts_snapshots.cli import main
from sts_snapshots.settings import Settings
from tests.faults.server_process import Fleet

pytestmark = [pytest.mark.faults, pytest.mark.skipif(sys.platform != "linux", reason="uses /proc")]


def fingerprint(data_dir: Path) -> dict[str, str]:
    """SHA-256 of every file but the log and the lock files (empty, beside a store), which a refused start may touch."""
    return {str(p.relative_to(data_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(data_dir.rglob("*")) if p.is_file() and p.suffix != ".lock" and "logs" not in p.parts}


@pytest.mark.parametrize(("store", "garbage"), [
    ("db/rooms/*.json", b"\x00\x17garbage, not JSON \xff\xfe"),  # the demo room's file
    ("uploads/.tasks/by-id/00.json", b'{"tasks": {"1": {"id": "snapshot-1", "status": "runn'),  # cut off mid-write
    ("db/rooms.json", b"\x00\x17garbage, not JSON \xff\xfe"),  # the single file of an earlier layout, to move
], ids=["garbage-room", "truncated-tasks", "garbage-old-rooms"])
def test_server_refuses_a_corrupt_store_and_leaves_it_alone(fleet: Fleet, tmp_path: Path, store: str,
                                                            garbage: bytes) -> None:
    data = tmp_path / "data"
    seed_if_empty(build_app(Settings.load({"data_dir": data}, env={})))
    store = str(next(data.glob(store)).relative_to(data)) if "*" in store else store
    (data / store).parent.mkdir(parents=True, exist_ok=True)
    (data / store).write_bytes(garbage)
    before = fingerprint(data)
    started = time.monotonic()
    server = fleet.spawn(data)
    try:
        code = server.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the server started on a corrupt {store}:\n{server.output()}")
    took = time.monotonic() - started
    output = server.output()
    assert code != 0, output
    assert str(data / store) in output, output
    assert "sts-snapshots restore" in output, output
    assert CliRunner().invoke(main, ["restore", "--help"]).exit_code == 0  # the command it names exists
    assert "Traceback" not in output, output
    assert (data / store).read_bytes() == garbage
    assert fingerprint(data) == before
    print(f"refused in {took:.1f} s with exit code {code}")
