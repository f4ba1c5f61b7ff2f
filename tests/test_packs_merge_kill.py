"""kill -9 during a merging ``room import``: nothing of either side is lost, and running the same import again
ends where an import never killed ends."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from click.testing import CliRunner

from sts_snapshots.app import build_app
from sts_snapshots.cli import main
from sts_snapshots.context import StsApp
from sts_snapshots.services.sync_state import SyncState
from sts_snapshots.services.users import LOCAL_ADMIN
from tests.test_packs_kill import VERSIONS, import_killed_when, office_pack, settings


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def state(sts: StsApp, room_id: str) -> dict[str, object]:
    """What a merge decides, without this installation's own log entries of it."""
    conflicts = SyncState(sts.stores.rooms).conflicts(room_id)
    return {"room": sts.rooms.get(room_id), "documents": sorted(sts.rooms.documents_of(room_id), key=lambda d: d["id"]),
            "vessels": sts.rooms.vessels_of(room_id), "checklists": sts.checklists.book.of_room(room_id),
            "conflicts": sorted((c["key"], str(c["local"]), str(c["remote"])) for c in conflicts),
            "activity": {e["id"] for e in sts.rooms.chain.entries(room_id) if e["action"] != "room merged"}}


def test_kill_9_during_a_merge_loses_nothing_and_a_rerun_converges(tmp_path: Path) -> None:
    room_id, first = office_pack(tmp_path)
    office_dir, vessel = tmp_path / "office", tmp_path / "vessel"
    run("room", "import", str(first), "--trust", "--data-dir", str(vessel))
    office, laptop = build_app(settings(office_dir)), build_app(settings(vessel))
    doc = office.rooms.documents_of(room_id)[1]
    for number in range(VERSIONS):
        office.documents.upload(LOCAL_ADMIN, room_id, doc["id"], f"later-{number}.pdf", os.urandom(256 * 1024))
    office.rooms.update_room(LOCAL_ADMIN, room_id, {"location": "from the office", "description": "office"})
    laptop.rooms.update_room(LOCAL_ADMIN, room_id, {"cargo_type": "from the vessel", "description": "vessel"})
    office.stores.close()
    laptop.stores.close()
    pack = tmp_path / "second.stsroom"
    run("room", "export", room_id, "-o", str(pack), "--data-dir", str(office_dir))

    reference = tmp_path / "reference"
    shutil.copytree(vessel, reference)
    run("room", "import", str(pack), "--data-dir", str(reference))
    expected = state(build_app(settings(reference)), room_id)
    assert expected["conflicts"], expected["conflicts"]

    documents = vessel / "uploads" / "documents"
    shard = vessel / "db" / "activity" / f"{room_id}.json"
    for moment in ("files", "records"):
        before = {p.name for p in documents.iterdir()}
        mtime = shard.stat().st_mtime_ns

        def ready(moment: str = moment, before: set[str] = before, mtime: int = mtime) -> bool:
            if moment == "files":
                return len({p.name for p in documents.iterdir() if not p.name.startswith(".")} - before) \
                    >= VERSIONS // 2
            return shard.stat().st_mtime_ns != mtime

        killed = import_killed_when(pack, vessel, ready)
        assert killed or moment == "records", "the merge finished before half its files were written"
        sts = build_app(settings(vessel))
        room = sts.rooms.get(room_id)
        assert room is not None and room["cargo_type"] == "from the vessel"  # the laptop's own change survives
        assert room["description"] == "vessel"
        sts.stores.close()
    run("room", "import", str(pack), "--data-dir", str(vessel))
    assert state(build_app(settings(vessel)), room_id) == expected
