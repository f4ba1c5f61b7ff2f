"""kill -9 during ``room import``: the room stays as it was (absent), and the next import brings it in whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from sts_snapshots.app import build_app, seed_if_empty
from sts_snapshots.cli import main
from sts_snapshots.demo import ADMIN_EMAIL
from sts_snapshots.services.users import LOCAL_ADMIN
from sts_snapshots.settings import Settings

VERSIONS = 80
ROOT = Path(__file__).resolve().parent.parent


def settings(data: Path) -> Settings:
    return Settings.load({"data_dir": data, "workers": 0}, env={})


def office_pack(tmp_path: Path) -> tuple[str, Path]:
    """The demo room with one document uploaded VERSIONS times (256 KB each), exported."""
    sts = build_app(settings(tmp_path / "office"))
    seed_if_empty(sts)
    room_id = sts.rooms.room_ids()[0]
    admin = sts.users.get(ADMIN_EMAIL)
    assert admin is not None
    doc = sts.rooms.documents_of(room_id)[0]
    for number in range(VERSIONS):
        sts.documents.upload(admin, room_id, doc["id"], f"plan-{number}.pdf", os.urandom(256 * 1024))
    sts.stores.close()
    pack = tmp_path / "room.stsroom"
    result = CliRunner().invoke(main, ["room", "export", room_id, "-o", str(pack), "--data-dir",
                                       str(tmp_path / "office")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return room_id, pack


def import_killed_when(pack: Path, vessel: Path, ready: object) -> bool:
    """Run ``room import`` in a process of its own and SIGKILL it once ``ready()`` holds; whether it was killed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NICEGUI_"))}
    process = subprocess.Popen([sys.executable, "-m", "sts_snapshots", "room", "import", str(pack), "--trust",
                                "--data-dir", str(vessel)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if ready():  # type: ignore[operator]
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            return process.returncode == -signal.SIGKILL
        time.sleep(0.001)
    process.wait(timeout=10)
    return False


def test_kill_9_during_an_import_leaves_the_room_absent(tmp_path: Path) -> None:
    room_id, pack = office_pack(tmp_path)
    vessel = tmp_path / "vessel"
    build_app(settings(vessel)).stores.close()  # the data folder made, as an installation has it
    documents = vessel / "uploads" / "documents"
    before = {p.name for p in documents.iterdir()}

    def files_half_written() -> bool:
        return len({p.name for p in documents.iterdir() if not p.name.startswith(".")} - before) >= VERSIONS // 2

    def records_begun() -> bool:
        return (vessel / "db" / "activity" / f"{room_id}.json").exists()

    for moment in (files_half_written, records_begun):
        killed = import_killed_when(pack, vessel, moment)
        sts = build_app(settings(vessel))
        try:
            if killed:
                assert sts.rooms.get(room_id) is None, moment.__name__
                assert all(room["id"] != room_id for room in sts.rooms.list_rooms(LOCAL_ADMIN))
            else:  # it finished first: then it is whole
                assert sts.rooms.get(room_id) is not None
        finally:
            sts.stores.close()
        if moment is files_half_written:
            assert killed, "the import finished before half its files were written"

    office = build_app(settings(tmp_path / "office"))
    result = CliRunner().invoke(main, ["room", "import", str(pack), "--data-dir", str(vessel)],
                                catch_exceptions=False)
    sts = build_app(settings(vessel))
    assert result.exit_code == 0, result.output  # a new room, or (the room record was written) a merge into it
    assert "0 conflicts" in result.output or "imported room" in result.output, result.output
    assert sts.rooms.readiness(room_id) == office.rooms.readiness(room_id)
    assert sts.rooms.documents_of(room_id) == office.rooms.documents_of(room_id)
    assert len(sts.rooms.vessels_of(room_id)) == len(office.rooms.vessels_of(room_id))


def test_two_imports_of_one_pack_at_once_make_one_room(tmp_path: Path) -> None:
    _room_id, pack = office_pack(tmp_path)
    vessel = tmp_path / "vessel"
    build_app(settings(vessel)).stores.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NICEGUI_"))}
    command = [sys.executable, "-m", "sts_snapshots", "room", "import", str(pack), "--trust", "--data-dir",
               str(vessel)]
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for _ in range(2)]
    answers = [p.communicate(timeout=120)[0].decode() for p in processes]
    outputs = sorted((p.returncode, answer) for p, answer in zip(processes, answers, strict=True))
    assert [code for code, _ in outputs] == [0, 0], outputs
    # one after the other: the second finds the room and merges the same pack into it, which changes nothing
    answers = sorted(answer for _, answer in outputs)
    assert answers[0].startswith("imported room") and answers[1].startswith("merged room"), answers
    assert "0 fields taken" in answers[1] and "0 conflicts" in answers[1], answers
    sts = build_app(settings(vessel))
    office = build_app(settings(tmp_path / "office"))
    room_id = office.rooms.room_ids()[0]
    assert sts.rooms.documents_of(room_id) == office.rooms.documents_of(room_id)
    assert len(sts.checklists.book.of_room(room_id)) == len(office.checklists.book.of_room(room_id))
