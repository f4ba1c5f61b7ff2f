"""The tamper-evident activity log: written chained, checked by ``sts-snapshots verify``, old logs chained once."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sts_snapshots.app import build_app
from sts_snapshots.cli import main
from sts_snapshots.datadir import DataLayout
from sts_snapshots.ops.verify import check_activity_chains
from sts_snapshots.settings import Settings
from sts_snapshots.store import AppendLog, Database


def app_in(data: Path):  # type: ignore[no-untyped-def]
    return build_app(Settings.load({"data_dir": data, "workers": 0, "demo": False}, env={}))


def test_entries_are_chained_and_a_hand_edited_activity_file_fails_verify(tmp_path: Path) -> None:
    sts = app_in(tmp_path)
    for n in range(3):
        sts.rooms.log("room1", "a@example.com", "room updated", f"change {n}")
    sts.rooms.audit("room1", "a@example.com", "snapshot downloaded", "report")
    heads = sts.rooms.chain.chain_heads("room1")
    assert [(h.count, h.migrated_count) for h in heads] == [(4, 0)]
    assert check_activity_chains(sts.layout).passed
    sts.stores.close()

    path = tmp_path / "db" / "activity" / "room1.json"
    text = path.read_text()
    path.write_text(text.replace("change 1", "change 9"))
    result = CliRunner().invoke(main, ["verify", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if "activity log chains" in line)
    assert "room room1" in line and "does not match its hash" in line, line


def test_an_entry_added_by_hand_to_a_chained_room_fails_verify(tmp_path: Path) -> None:
    sts = app_in(tmp_path)
    sts.rooms.log("room1", "a@example.com", "room created")
    sts.stores.close()
    log = AppendLog(DataLayout(tmp_path).audit)
    log.append("room1", {"id": "forged", "room_id": "room1", "actor": "x", "action": "snapshot downloaded",
                         "details": "", "at": "2020-01-01T00:00:00"})
    check = check_activity_chains(DataLayout(tmp_path))
    assert not check.passed and "entry forged is not in any chain" in check.detail


def test_an_old_log_is_chained_once_at_the_next_start_and_says_so(tmp_path: Path) -> None:
    layout = DataLayout(tmp_path)
    layout.prepare()
    old = Database(layout.activity / "room1.json")
    old.table("activity").insert_many([{"id": f"e{n}", "room_id": "room1", "actor": "a", "action": "room updated",
                                        "details": str(n), "at": f"2025-01-0{n + 1}T00:00:00"} for n in range(3)])
    old.close()
    AppendLog(layout.audit).append("room1", {"id": "d1", "room_id": "room1", "actor": "a", "details": "",
                                             "action": "snapshot downloaded", "at": "2025-01-02T12:00:00"})
    assert check_activity_chains(layout).passed  # not chained yet: noted, not failed
    sts = app_in(tmp_path)
    sts.rooms.log("room1", "a@example.com", "room updated", "after")
    [head] = sts.rooms.chain.chain_heads("room1")
    assert (head.count, head.migrated_count) == (5, 4)
    assert head.label().endswith("4 earlier entries chained at migration")
    assert sts.rooms.chain.migrate() == 0  # a second start (or a second process) finds it chained
    assert [e["details"] for e in sts.rooms.activity_for("room1")][:2] == ["after", "2"]
    check = check_activity_chains(layout)
    assert check.passed and "4 earlier entries chained at migration" in check.detail, check.detail
    assert json.loads((layout.activity / "room1.json").read_text())  # still a TinyDB file
