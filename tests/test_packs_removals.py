"""Removals travel with room packs (CLI import on two data folders): a vessel or party removed on one side since
the last exchange is removed on the other, both ways; removed on one side while changed on the other is a conflict
on both, the record kept until an admin chooses, and the choice travels with the next pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from sts_snapshots.app import seed_if_empty
from sts_snapshots.services.sync_state import SyncState
from sts_snapshots.services.users import LOCAL_ADMIN
from tests.test_packs_merge import app, carry, conflicts, run


@pytest.fixture()
def two(tmp_path: Path) -> tuple[Path, Path, str, str, str]:
    """The office (A) with the demo room, a spare vessel and a surveyor; the vessel's laptop (B) that imported it."""
    a, b = tmp_path / "office", tmp_path / "vessel"
    sts = app(a)
    seed_if_empty(sts)
    room_id = sts.rooms.room_ids()[0]
    spare = sts.rooms.add_vessel(LOCAL_ADMIN, room_id, {"name": "MT Spare", "imo": "9074729", "role": "daughter"})
    surveyor = sts.rooms.add_party(LOCAL_ADMIN, room_id, {"role": "surveyor", "name": "Sam Surveyor",
                                                          "email": "sam@example.com"})
    sts.stores.close()
    assert "imported room" in carry(a, b, room_id, tmp_path / "first.stsroom")
    return a, b, room_id, spare["id"], surveyor["id"]


def test_removals_on_either_side_travel_both_ways(two: tuple[Path, Path, str, str, str], tmp_path: Path) -> None:
    a, b, room_id, spare, surveyor = two
    office, vessel = app(a), app(b)
    slots = {d["id"] for d in office.rooms.documents_of(room_id) if d.get("vessel_id") == spare}
    assert slots and slots == {d["id"] for d in vessel.rooms.documents_of(room_id) if d.get("vessel_id") == spare}
    office.rooms.remove_party(LOCAL_ADMIN, room_id, surveyor)  # on A
    vessel.rooms.remove_vessel(LOCAL_ADMIN, room_id, spare)  # on B
    office.stores.close()
    vessel.stores.close()
    out_b = carry(a, b, room_id, tmp_path / "a.stsroom")
    out_a = carry(b, a, room_id, tmp_path / "b.stsroom")
    assert "0 conflicts" in out_a and "0 conflicts" in out_b, (out_a, out_b)
    for data in (a, b):
        sts = app(data)
        assert spare not in {v["id"] for v in sts.rooms.vessels_of(room_id)}
        assert not slots & {d["id"] for d in sts.rooms.documents_of(room_id)}  # its document slots went with it
        assert surveyor not in {p["id"] for p in sts.rooms.parties_of(room_id)}
        assert surveyor not in {ap["party_id"] for ap in sts.rooms.approvals_of(room_id)}
        assert conflicts(sts, room_id) == []
        sts.stores.close()
    # and again: nothing comes back
    assert "0 conflicts" in carry(a, b, room_id, tmp_path / "a2.stsroom")
    assert "0 conflicts" in carry(b, a, room_id, tmp_path / "b2.stsroom")
    office = app(a)
    assert spare not in {v["id"] for v in office.rooms.vessels_of(room_id)}
    assert surveyor not in {p["id"] for p in office.rooms.parties_of(room_id)}


def test_removed_on_one_side_while_changed_on_the_other_is_a_conflict_until_an_admin_chooses(
        two: tuple[Path, Path, str, str, str], tmp_path: Path) -> None:
    a, b, room_id, spare, _surveyor = two
    office, vessel = app(a), app(b)
    office.rooms.remove_vessel(LOCAL_ADMIN, room_id, spare)  # A removes it
    vessel.rooms.update_vessel(LOCAL_ADMIN, room_id, spare, {"flag": "Liberia"})  # B corrects it meanwhile
    office.stores.close()
    vessel.stores.close()
    out_b = carry(a, b, room_id, tmp_path / "a.stsroom")
    out_a = carry(b, a, room_id, tmp_path / "b.stsroom")
    assert "1 conflicts" in out_a and "1 conflicts" in out_b, (out_a, out_b)
    key = f"present:vessels:{spare}"
    for data in (a, b):
        sts = app(data)
        kept = {v["id"]: v for v in sts.rooms.vessels_of(room_id)}
        assert spare in kept and kept[spare]["flag"] == "Liberia"  # kept on both until a person chooses
        assert any(d.get("vessel_id") == spare for d in sts.rooms.documents_of(room_id))
        assert conflicts(sts, room_id) == [key]
        sts.stores.close()
    listed = run("room", "conflicts", room_id, "--data-dir", str(a))
    assert "MT Spare" in listed and "removed" in listed, listed

    # the office keeps its removal; the next pack removes it on the vessel's laptop and settles the conflict there
    office = app(a)
    [conflict] = SyncState(office.stores.rooms).conflicts(room_id)
    assert conflict["local"] == {"state": "removed"} and conflict["remote"] == {"state": "kept"}
    office.stores.close()
    assert "resolved" in run("room", "resolve", room_id, conflict["id"], "--keep", "local", "--data-dir", str(a))
    office = app(a)
    assert spare not in {v["id"] for v in office.rooms.vessels_of(room_id)}
    assert not any(d.get("vessel_id") == spare for d in office.rooms.documents_of(room_id))
    office.stores.close()
    assert "0 conflicts" in carry(a, b, room_id, tmp_path / "a2.stsroom")
    vessel = app(b)
    assert spare not in {v["id"] for v in vessel.rooms.vessels_of(room_id)}
    assert not any(d.get("vessel_id") == spare for d in vessel.rooms.documents_of(room_id))
    assert conflicts(vessel, room_id) == []
    vessel.stores.close()
    assert "0 conflicts" in carry(b, a, room_id, tmp_path / "b2.stsroom")
    office = app(a)
    assert spare not in {v["id"] for v in office.rooms.vessels_of(room_id)} and conflicts(office, room_id) == []


def test_a_removal_resolved_as_kept_on_the_removing_side_keeps_the_record_on_both(
        two: tuple[Path, Path, str, str, str], tmp_path: Path) -> None:
    a, b, room_id, _spare, surveyor = two
    office, vessel = app(a), app(b)
    vessel.rooms.remove_party(LOCAL_ADMIN, room_id, surveyor)  # B removes the surveyor
    office.rooms.set_approval(LOCAL_ADMIN, room_id, surveyor, "approved", "seen on A")  # A changes the approval
    office.stores.close()
    vessel.stores.close()
    carry(a, b, room_id, tmp_path / "a.stsroom")
    carry(b, a, room_id, tmp_path / "b.stsroom")
    carry(a, b, room_id, tmp_path / "a1.stsroom")  # again before anyone chose: the conflict stays, the party too
    office = app(a)
    assert conflicts(office, room_id) == [f"present:parties:{surveyor}"]
    assert surveyor in {p["id"] for p in office.rooms.parties_of(room_id)}
    office.stores.close()
    vessel = app(b)
    [conflict] = SyncState(vessel.stores.rooms).conflicts(room_id)
    assert conflict["key"] == f"present:parties:{surveyor}" and conflict["local"] == {"state": "removed"}
    assert surveyor in {p["id"] for p in vessel.rooms.parties_of(room_id)}
    vessel.stores.close()
    run("room", "resolve", room_id, conflict["id"], "--keep", "remote", "--data-dir", str(b))  # keep the party
    assert "0 conflicts" in carry(b, a, room_id, tmp_path / "b2.stsroom")
    assert "0 conflicts" in carry(a, b, room_id, tmp_path / "a2.stsroom")
    for data in (a, b):
        sts = app(data)
        assert surveyor in {p["id"] for p in sts.rooms.parties_of(room_id)}
        assert [ap["status"] for ap in sts.rooms.approvals_of(room_id) if ap["party_id"] == surveyor] == ["approved"]
        assert conflicts(sts, room_id) == []
        sts.stores.close()


def test_the_same_imo_or_email_added_on_both_sides_is_a_conflict_not_two_silent_duplicates(
        two: tuple[Path, Path, str, str, str], tmp_path: Path) -> None:
    a, b, room_id, _spare, _surveyor = two
    office, vessel = app(a), app(b)
    ours = office.rooms.add_vessel(LOCAL_ADMIN, room_id, {"name": "MT Twin", "imo": "9176187", "role": "daughter"})
    theirs = vessel.rooms.add_vessel(LOCAL_ADMIN, room_id, {"name": "MT Twin II", "imo": "9176187",
                                                            "role": "daughter"})
    office.rooms.add_party(LOCAL_ADMIN, room_id, {"role": "broker", "name": "Bo Broker", "email": "bo@example.com"})
    vessel.rooms.add_party(LOCAL_ADMIN, room_id, {"role": "broker", "name": "B. Broker", "email": "BO@example.com"})
    office.stores.close()
    vessel.stores.close()
    carry(a, b, room_id, tmp_path / "a.stsroom")
    carry(b, a, room_id, tmp_path / "b.stsroom")
    for data in (a, b):
        sts = app(data)
        assert sorted(conflicts(sts, room_id)) == ["duplicate:parties:bo@example.com", "duplicate:vessels:9176187"]
        assert {ours["id"], theirs["id"]} <= {v["id"] for v in sts.rooms.vessels_of(room_id)}  # both kept till chosen
        sts.stores.close()

    office = app(a)
    [twin] = [c for c in SyncState(office.stores.rooms).conflicts(room_id) if c["key"].startswith("duplicate:v")]
    assert twin["local"]["id"] == ours["id"] and twin["remote"]["id"] == theirs["id"]
    office.stores.close()
    run("room", "resolve", room_id, twin["id"], "--keep", "local", "--data-dir", str(a))  # the office's stays
    carry(a, b, room_id, tmp_path / "a2.stsroom")
    for data in (a, b):
        sts = app(data)
        ids = {v["id"] for v in sts.rooms.vessels_of(room_id)}
        assert ours["id"] in ids and theirs["id"] not in ids
        assert not any(d.get("vessel_id") == theirs["id"] for d in sts.rooms.documents_of(room_id))
        assert conflicts(sts, room_id) == ["duplicate:parties:bo@example.com"]  # settled on the vessel's side too
        sts.stores.close()
