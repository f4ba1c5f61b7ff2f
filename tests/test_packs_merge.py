"""Merging room packs between two installations (CLI on two data folders): one-sided changes travel, a field both
sides changed is a conflict on both until an admin keeps one, and the choice travels with the next pack."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sts_snapshots.app import build_app, seed_if_empty
from sts_snapshots.cli import main
from sts_snapshots.context import StsApp
from sts_snapshots.domain.chain import first_break
from sts_snapshots.services.sync_state import SyncState
from sts_snapshots.services.users import LOCAL_ADMIN
from sts_snapshots.settings import Settings
from sts_snapshots.snapshots.model import gather
from sts_snapshots.snapshots.pipeline import generate_snapshot


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def app(data: Path) -> StsApp:
    return build_app(Settings.load({"data_dir": data, "workers": 0}, env={}))


def carry(source: Path, target: Path, room_id: str, pack: Path) -> str:
    """Export the room on ``source``, import the pack on ``target`` (trusting it): the import's line."""
    run("room", "export", room_id, "-o", str(pack), "--data-dir", str(source))
    return run("room", "import", str(pack), "--trust", "--data-dir", str(target))


def conflicts(sts: StsApp, room_id: str) -> list[str]:
    return [c["key"] for c in SyncState(sts.stores.rooms).conflicts(room_id)]


def sign_run_in(sts: StsApp, room_id: str, sides: list[str] | None = None) -> dict[str, Any]:
    """Answer and sign off (by ``sides``, default all) the demo room's third checklist (run-in); returns it as it
    was before."""
    run_in = sts.checklists.list(LOCAL_ADMIN, room_id)["pairs"][0]["checklists"][2]
    for item in run_in["items"]:
        if item["answer"] is None:
            sts.checklists.answer(LOCAL_ADMIN, room_id, run_in["id"], item["id"], "95000" if item["kind"] == "number"
                                  else "yes" if item["kind"].startswith("yes") else "agreed")
    for side in sides or run_in["sign_off"]:
        sts.checklists.sign_off(LOCAL_ADMIN, room_id, run_in["id"], side, "Someone", "Master")
    return dict(run_in)


@pytest.fixture()
def two(tmp_path: Path) -> tuple[Path, Path, str]:
    """The office (A) with the demo room, and the vessel's laptop (B) that imported it."""
    a, b = tmp_path / "office", tmp_path / "vessel"
    sts = app(a)
    seed_if_empty(sts)
    room_id = sts.rooms.room_ids()[0]
    sts.stores.close()
    assert "imported room" in carry(a, b, room_id, tmp_path / "first.stsroom")
    return a, b, room_id


def test_both_sides_converge_and_a_field_changed_on_both_is_a_conflict_until_resolved(
        two: tuple[Path, Path, str], tmp_path: Path) -> None:
    a, b, room_id = two
    office, vessel = app(a), app(b)
    office.rooms.update_room(LOCAL_ADMIN, room_id, {"location": "Skaw anchorage, berth 4"})  # only A
    mother = office.rooms.vessels_of(room_id)[0]
    vessel.rooms.update_vessel(LOCAL_ADMIN, room_id, mother["id"], {"flag": "Malta"})  # only B
    office.rooms.update_room(LOCAL_ADMIN, room_id, {"cargo_quantity": "96 100 t"})  # both, differently
    vessel.rooms.update_room(LOCAL_ADMIN, room_id, {"cargo_quantity": "94 500 t"})
    office.stores.close()
    vessel.stores.close()

    run("room", "export", room_id, "-o", str(tmp_path / "a.stsroom"), "--data-dir", str(a))
    run("room", "export", room_id, "-o", str(tmp_path / "b.stsroom"), "--data-dir", str(b))
    out_b = run("room", "import", str(tmp_path / "a.stsroom"), "--data-dir", str(b))
    out_a = run("room", "import", str(tmp_path / "b.stsroom"), "--trust", "--data-dir", str(a))  # B's first
    assert "merged" in out_a and "1 conflicts" in out_a, out_a
    assert "merged" in out_b and "1 conflicts" in out_b, out_b

    office, vessel = app(a), app(b)
    for sts, own in ((office, "96 100 t"), (vessel, "94 500 t")):
        room = sts.rooms.get(room_id)
        assert room is not None
        assert room["location"] == "Skaw anchorage, berth 4"
        assert sts.rooms.vessels_of(room_id)[0]["flag"] == "Malta"
        assert room["cargo_quantity"] == own  # each side's value stays in force until an admin chooses
        assert conflicts(sts, room_id) == [f"room:{room_id}:cargo_quantity"]
        entries = sts.rooms.chain.entries(room_id)
        assert first_break(entries) is None  # every origin's chain checks
        assert {e["origin"] for e in entries} == {office.rooms.chain.origin, vessel.rooms.chain.origin}
    assert {e["id"] for e in office.rooms.chain.entries(room_id)} <= {e["id"] for e in vessel.rooms.chain.entries(
        room_id)} | {e["id"] for e in office.rooms.chain.entries(room_id)}

    # a snapshot made while the conflict is open says so on its cover
    created = vessel.snapshots.create(LOCAL_ADMIN, room_id, "During the conflict", "pdf", False)
    generate_snapshot(vessel.pipeline, created["id"])
    text = subprocess.run(["pdftotext", "-l", "1", str(vessel.layout.snapshot_pdf(created["id"])), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "OPEN MERGE CONFLICT" in text.upper() and "94 500" in text, text

    # the office keeps the vessel's value; its next pack settles the conflict on the vessel too
    [conflict] = SyncState(office.stores.rooms).conflicts(room_id)
    office.stores.close()
    listed = run("room", "conflicts", room_id, "--data-dir", str(a))
    assert conflict["id"] in listed and "94 500 t" in listed and "96 100 t" in listed, listed
    assert "resolved" in run("room", "resolve", room_id, conflict["id"], "--keep", "remote", "--data-dir", str(a))
    office = app(a)
    assert office.rooms.get(room_id)["cargo_quantity"] == "94 500 t"  # type: ignore[index]
    [closed] = SyncState(office.stores.rooms).conflicts(room_id, open_only=False)
    assert closed["status"] == "resolved" and closed["kept"] == "remote"
    assert "merge conflict resolved" in [e["action"] for e in office.rooms.activity_for(room_id, limit=500)]
    office.stores.close()
    vessel.stores.close()
    out = carry(a, b, room_id, tmp_path / "a2.stsroom")
    assert "0 conflicts" in out, out
    vessel = app(b)
    assert conflicts(vessel, room_id) == []
    assert vessel.rooms.get(room_id)["cargo_quantity"] == "94 500 t"  # type: ignore[index]
    after = vessel.snapshots.create(LOCAL_ADMIN, room_id, "After the conflict", "pdf", False)
    generate_snapshot(vessel.pipeline, after["id"])
    text = subprocess.run(["pdftotext", "-l", "1", str(vessel.layout.snapshot_pdf(after["id"])), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "MERGE CONFLICT" not in text.upper()
    plain = gather(vessel.rooms, vessel.documents, room_id, False, checklists=vessel.checklists)
    noted = gather(vessel.rooms, vessel.documents, room_id, False, checklists=vessel.checklists,
                   conflicts=["room cargo_quantity: …"])
    assert "conflicts" not in plain and plain["content_key"] != noted["content_key"]  # the key covers them
    # and back: nothing new, nothing reopened
    vessel.stores.close()
    out = carry(b, a, room_id, tmp_path / "b2.stsroom")
    assert "0 conflicts" in out, out
    assert conflicts(app(a), room_id) == []


def both_change_the_description(a: Path, b: Path, room_id: str) -> None:
    """Offline, each installation sets the room's description its own way (the conflict of the next exchange)."""
    for folder, side in ((a, "office"), (b, "vessel")):
        sts = app(folder)
        sts.rooms.update_room(LOCAL_ADMIN, room_id, {"description": f"from the {side}"})
        sts.stores.close()


def test_importing_the_same_pack_twice_converges(two: tuple[Path, Path, str], tmp_path: Path) -> None:
    a, b, room_id = two
    both_change_the_description(a, b, room_id)
    run("room", "export", room_id, "-o", str(tmp_path / "a.stsroom"), "--data-dir", str(a))
    first = run("room", "import", str(tmp_path / "a.stsroom"), "--data-dir", str(b))
    again = run("room", "import", str(tmp_path / "a.stsroom"), "--data-dir", str(b))
    assert "1 conflicts" in first and "0 conflicts" in again, (first, again)
    vessel = app(b)
    assert len(conflicts(vessel, room_id)) == 1
    assert vessel.rooms.get(room_id)["description"] == "from the vessel"  # type: ignore[index]


def test_versions_of_both_sides_are_kept_and_a_state_the_checklist_rules_forbid_is_a_conflict(
        two: tuple[Path, Path, str], tmp_path: Path) -> None:
    a, b, room_id = two
    office, vessel = app(a), app(b)
    doc = next(d for d in office.rooms.documents_of(room_id) if d["versions"])
    office.documents.upload(LOCAL_ADMIN, room_id, doc["id"], "office.pdf", b"%PDF-1.4 office copy\n")
    vessel.documents.upload(LOCAL_ADMIN, room_id, doc["id"], "vessel.pdf", b"%PDF-1.4 vessel copy\n")
    pair = office.checklists.list(LOCAL_ADMIN, room_id)["pairs"][0]["checklists"]
    office.checklists.reopen(LOCAL_ADMIN, room_id, pair[1]["id"], "the pilot's details changed")
    run_in = sign_run_in(vessel, room_id)
    office.stores.close()
    vessel.stores.close()

    run("room", "export", room_id, "-o", str(tmp_path / "a.stsroom"), "--data-dir", str(a))
    run("room", "export", room_id, "-o", str(tmp_path / "b.stsroom"), "--data-dir", str(b))
    run("room", "import", str(tmp_path / "a.stsroom"), "--data-dir", str(b))
    run("room", "import", str(tmp_path / "b.stsroom"), "--trust", "--data-dir", str(a))
    office, vessel = app(a), app(b)
    for sts in (office, vessel):
        versions = next(d for d in sts.rooms.documents_of(room_id) if d["id"] == doc["id"])["versions"]
        assert len(versions) == len(doc["versions"]) + 2
        assert {v["file_name"] for v in versions} >= {"office.pdf", "vessel.pdf"}
        assert [v["number"] for v in versions] == list(range(1, len(versions) + 1))
        for version in versions:
            assert (sts.documents.files_dir / version["file_id"]).is_file()
        [rule] = [c for c in SyncState(sts.stores.rooms).conflicts(room_id) if c["rule"]]
        assert rule["key"] == f"checklist:{run_in['id']}:signoffs" and "earlier checklist" in rule["rule"]
    assert office.rooms.documents_of(room_id) == vessel.rooms.documents_of(room_id)

    [rule] = [c for c in SyncState(office.stores.rooms).conflicts(room_id) if c["rule"]]
    office.stores.close()
    run("room", "resolve", room_id, rule["id"], "--keep", "remote", "--data-dir", str(a))  # re-open the run-in
    office = app(a)
    assert office.checklists.book.get(run_in["id"])["signoffs"] == []  # type: ignore[index]
    office.stores.close()
    vessel.stores.close()
    carry(a, b, room_id, tmp_path / "a2.stsroom")
    vessel = app(b)
    assert vessel.checklists.book.get(run_in["id"])["signoffs"] == []  # type: ignore[index]
    assert not [c for c in SyncState(vessel.stores.rooms).conflicts(room_id) if c["rule"]]
    code = CliRunner().invoke(main, ["verify", "--data-dir", str(b)], catch_exceptions=False)
    assert code.exit_code == 0, code.output


def test_a_broken_checklist_rule_accepted_by_an_admin_stays_accepted(two: tuple[Path, Path, str],
                                                                      tmp_path: Path) -> None:
    a, b, room_id = two
    office, vessel = app(a), app(b)
    pair = office.checklists.list(LOCAL_ADMIN, room_id)["pairs"][0]["checklists"]
    office.checklists.reopen(LOCAL_ADMIN, room_id, pair[1]["id"], "re-checked")
    run_in = sign_run_in(vessel, room_id)
    office.stores.close()
    vessel.stores.close()
    run("room", "export", room_id, "-o", str(tmp_path / "a.stsroom"), "--data-dir", str(a))
    run("room", "import", str(tmp_path / "a.stsroom"), "--data-dir", str(b))
    vessel = app(b)
    [rule] = SyncState(vessel.stores.rooms).conflicts(room_id)
    assert rule["key"] == f"checklist:{run_in['id']}:signoffs"
    vessel.stores.close()
    run("room", "resolve", room_id, rule["id"], "--keep", "local", "--data-dir", str(b))
    out = run("room", "import", str(tmp_path / "a.stsroom"), "--data-dir", str(b))
    assert "0 conflicts" in out, out
    assert "0 conflicts" in carry(b, a, room_id, tmp_path / "b.stsroom")
    assert conflicts(app(a), room_id) == [] and conflicts(app(b), room_id) == []


def test_a_pack_from_before_merging_brings_a_new_room_but_is_refused_for_one_this_installation_has(
        two: tuple[Path, Path, str], tmp_path: Path) -> None:
    import hashlib
    import json

    from sts_snapshots.packs.signature import sign_manifest
    from tests.pack_files import entries, rezip, tree_digest

    a, b, room_id = two
    run("room", "export", room_id, "-o", str(tmp_path / "a.stsroom"), "--data-dir", str(a))
    files = entries((tmp_path / "a.stsroom").read_bytes())
    records = json.loads(files["room.json"])
    del records["sync"]  # as a pack of the version before merging has it
    files["room.json"] = raw = json.dumps(records).encode()
    manifest = json.loads(files["manifest.json"])
    for entry in manifest["files"]:
        if entry["name"] == "room.json":
            entry.update(sha256=hashlib.sha256(raw).hexdigest(), size=len(raw))
    files["manifest.json"] = signed = json.dumps(manifest).encode()
    office = app(a)
    files["manifest.sig"] = sign_manifest(office.layout, signed)  # signed by the office, as it was then
    office.stores.close()
    (tmp_path / "old.stsroom").write_bytes(rezip(files))

    before = tree_digest(b)
    result = CliRunner().invoke(main, ["room", "import", str(tmp_path / "old.stsroom"), "--data-dir", str(b)])
    assert result.exit_code == 1 and "cannot be merged" in result.output, result.output
    assert tree_digest(b) == before
    fresh = run("room", "import", str(tmp_path / "old.stsroom"), "--trust", "--data-dir", str(tmp_path / "new"))
    assert "imported room" in fresh, fresh


def test_keeping_this_installation_s_value_travels_to_the_other(two: tuple[Path, Path, str], tmp_path: Path) -> None:
    a, b, room_id = two
    both_change_the_description(a, b, room_id)
    run("room", "export", room_id, "-o", str(tmp_path / "a.stsroom"), "--data-dir", str(a))
    run("room", "export", room_id, "-o", str(tmp_path / "b.stsroom"), "--data-dir", str(b))
    run("room", "import", str(tmp_path / "a.stsroom"), "--data-dir", str(b))
    run("room", "import", str(tmp_path / "b.stsroom"), "--trust", "--data-dir", str(a))
    vessel = app(b)
    [conflict] = SyncState(vessel.stores.rooms).conflicts(room_id)
    vessel.stores.close()
    run("room", "resolve", room_id, conflict["id"], "--keep", "local", "--data-dir", str(b))
    assert "0 conflicts" in carry(b, a, room_id, tmp_path / "b2.stsroom")
    office = app(a)
    assert office.rooms.get(room_id)["description"] == "from the vessel"  # type: ignore[index]
    assert conflicts(office, room_id) == []  # settled by the vessel's choice
    [settled] = SyncState(office.stores.rooms).conflicts(room_id, open_only=False)
    assert settled["status"] == "settled"


def test_the_two_ships_signing_one_checklist_apart_merge_into_one_signed_off_checklist(
        two: tuple[Path, Path, str], tmp_path: Path) -> None:
    a, b, room_id = two
    office, vessel = app(a), app(b)
    run_in = sign_run_in(office, room_id, ["mother"])
    sign_run_in(vessel, room_id, ["daughter"])
    office.stores.close()
    vessel.stores.close()
    run("room", "export", room_id, "-o", str(tmp_path / "a.stsroom"), "--data-dir", str(a))
    run("room", "export", room_id, "-o", str(tmp_path / "b.stsroom"), "--data-dir", str(b))
    assert "0 conflicts" in run("room", "import", str(tmp_path / "a.stsroom"), "--data-dir", str(b))
    assert "0 conflicts" in run("room", "import", str(tmp_path / "b.stsroom"), "--trust", "--data-dir", str(a))
    for data in (a, b):
        sts = app(data)
        signed = sts.checklists.book.get(run_in["id"])
        assert signed is not None and [s["side"] for s in signed["signoffs"]] == run_in["sign_off"]
        assert conflicts(sts, room_id) == []
        sts.stores.close()
