"""What belongs to a vessel goes with it when a merge applies its removal, as a removal by hand takes it (CLI import
on two data folders): the empty checklists of its transfer pairs and its empty document slots; a checklist of
its that holds entries on the other side keeps it, as a conflict, until an admin chooses. Resolving a removal or
a duplicate IMO by dropping a vessel that holds uploaded documents or checklist entries is refused, naming them:
evidence stays in the room and in its snapshots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sts_snapshots.app import seed_if_empty
from sts_snapshots.cli import main
from sts_snapshots.context import StsApp
from sts_snapshots.services.sync_state import SyncState
from sts_snapshots.services.users import LOCAL_ADMIN
from sts_snapshots.snapshots.model import gather
from tests.test_packs_merge import app, carry, conflicts, run


def of_vessel(sts: StsApp, room_id: str, vessel_id: str) -> list[str]:
    """The ids of the room's stored checklists of the vessel's transfer pairs."""
    return [c["id"] for c in sts.checklists.book.of_room(room_id) if vessel_id in (c["mother_id"], c["daughter_id"])]

TWIN_IMO = "9176187"


@pytest.fixture()
def two(tmp_path: Path) -> tuple[Path, Path, str, str]:
    """The office (A) with the demo room and a spare daughter vessel whose pair has its checklists; the vessel's
    laptop (B) that imported it."""
    a, b = tmp_path / "office", tmp_path / "vessel"
    sts = app(a)
    seed_if_empty(sts)
    room_id = sts.rooms.room_ids()[0]
    spare = sts.rooms.add_vessel(LOCAL_ADMIN, room_id, {"name": "MT Spare", "imo": "9074729", "role": "daughter"})
    sts.checklists.list(LOCAL_ADMIN, room_id)  # the spare's transfer pair gets its checklists, as the page does
    assert of_vessel(sts, room_id, spare["id"])
    sts.stores.close()
    assert "imported room" in carry(a, b, room_id, tmp_path / "first.stsroom")
    vessel = app(b)
    assert of_vessel(vessel, room_id, spare["id"])
    vessel.stores.close()
    return a, b, room_id, spare["id"]


@pytest.mark.parametrize("remover", ["office", "vessel"])
def test_a_removal_merged_takes_the_vessels_empty_checklists_and_slots(
        two: tuple[Path, Path, str, str], tmp_path: Path, remover: str) -> None:
    a, b, room_id, spare = two
    here, there = (a, b) if remover == "office" else (b, a)
    sts = app(here)
    assert sts.rooms.remove_vessel(LOCAL_ADMIN, room_id, spare) > 0
    assert of_vessel(sts, room_id, spare) == []  # the removal by hand took them
    sts.stores.close()
    out_there = carry(here, there, room_id, tmp_path / "removal.stsroom")
    out_here = carry(there, here, room_id, tmp_path / "back.stsroom")  # the other side's pack still had them
    assert "0 conflicts" in out_there and "0 conflicts" in out_here, (out_there, out_here)
    for data in (a, b):
        sts = app(data)
        assert spare not in {v["id"] for v in sts.rooms.vessels_of(room_id)}
        assert of_vessel(sts, room_id, spare) == [], data.name
        assert not any(d.get("vessel_id") == spare for d in sts.rooms.documents_of(room_id))
        assert conflicts(sts, room_id) == []
        sts.stores.close()


def test_a_checklist_with_entries_on_the_other_side_keeps_the_vessel_as_a_conflict(
        two: tuple[Path, Path, str, str], tmp_path: Path) -> None:
    a, b, room_id, spare = two
    office, vessel = app(a), app(b)
    office.rooms.remove_vessel(LOCAL_ADMIN, room_id, spare)  # A removes it
    pair = next(p for p in vessel.checklists.list(LOCAL_ADMIN, room_id)["pairs"] if p["daughter_id"] == spare)
    first = pair["checklists"][0]
    item = next(i for i in first["items"] if i["kind"].startswith("yes"))
    vessel.checklists.answer(LOCAL_ADMIN, room_id, first["id"], item["id"], "yes")  # B starts its checklist
    office.stores.close()
    vessel.stores.close()
    out_a = carry(b, a, room_id, tmp_path / "b.stsroom")
    out_b = carry(a, b, room_id, tmp_path / "a.stsroom")
    assert "1 conflicts" in out_a and "1 conflicts" in out_b, (out_a, out_b)
    for data in (a, b):
        sts = app(data)
        assert spare in {v["id"] for v in sts.rooms.vessels_of(room_id)}  # kept on both until a person chooses
        assert first["id"] in of_vessel(sts, room_id, spare)
        assert conflicts(sts, room_id) == [f"present:vessels:{spare}"]
        sts.stores.close()

    # keeping the removal would lose the answer: refused, naming the checklist; nothing changes
    office = app(a)
    [conflict] = SyncState(office.stores.rooms).conflicts(room_id)
    office.stores.close()
    assert conflict["local"] == {"state": "removed"}
    refused = CliRunner().invoke(main, ["room", "resolve", room_id, conflict["id"], "--keep", "local",
                                        "--data-dir", str(a)])
    assert refused.exit_code != 0 and "checklists with answers or sign-offs" in refused.output \
        and first["title"] in refused.output and "cannot be removed" in refused.output, refused.output
    office = app(a)
    assert spare in {v["id"] for v in office.rooms.vessels_of(room_id)} and first["id"] in of_vessel(office, room_id,
                                                                                                      spare)
    assert conflicts(office, room_id) == [f"present:vessels:{spare}"]
    office.stores.close()
    assert "resolved" in run("room", "resolve", room_id, conflict["id"], "--keep", "remote", "--data-dir", str(a))


def add_twin(sts: StsApp, room_id: str, name: str, upload: str | None = None) -> dict[str, Any]:
    """A daughter vessel with the IMO number the other side's twin has, with one file uploaded to its first
    document when ``upload`` names it."""
    vessel = sts.rooms.add_vessel(LOCAL_ADMIN, room_id, {"name": name, "imo": TWIN_IMO, "role": "daughter"})
    if upload is not None:
        doc = next(d for d in sts.rooms.documents_of(room_id) if d.get("vessel_id") == vessel["id"])
        sts.documents.upload(LOCAL_ADMIN, room_id, doc["id"], upload, f"%PDF-1.4 {upload}\n".encode())
    return dict(vessel)


def snapshot_text(sts: StsApp, room_id: str) -> str:
    """The report model of the room as a snapshot with its documents would draw it, as text."""
    model = gather(sts.rooms, sts.documents, room_id, True, checklists=sts.checklists)
    return json.dumps(model, default=str)


def test_resolving_for_a_removal_never_drops_a_vessels_uploaded_documents(
        two: tuple[Path, Path, str, str], tmp_path: Path) -> None:
    a, b, room_id, spare = two
    office, vessel = app(a), app(b)
    office.rooms.remove_vessel(LOCAL_ADMIN, room_id, spare)  # A removes it
    doc = next(d for d in vessel.rooms.documents_of(room_id) if d.get("vessel_id") == spare)
    vessel.documents.upload(LOCAL_ADMIN, room_id, doc["id"], "spare-q88.pdf", b"%PDF-1.4 spare q88\n")  # B uploads
    office.stores.close()
    vessel.stores.close()
    carry(b, a, room_id, tmp_path / "b.stsroom")
    office = app(a)
    [conflict] = [c for c in SyncState(office.stores.rooms).conflicts(room_id)
                  if c["key"] == f"present:vessels:{spare}"]
    office.stores.close()
    assert conflict["local"] == {"state": "removed"}
    refused = CliRunner().invoke(main, ["room", "resolve", room_id, conflict["id"], "--keep", "local",
                                        "--data-dir", str(a)])
    assert refused.exit_code != 0 and "holds uploaded documents (" in refused.output, refused.output
    office = app(a)
    assert spare in {v["id"] for v in office.rooms.vessels_of(room_id)}
    assert "spare-q88.pdf" in snapshot_text(office, room_id)
    office.stores.close()


def test_a_duplicate_resolved_by_dropping_the_record_with_uploads_is_refused_the_other_way_keeps_them(
        two: tuple[Path, Path, str, str], tmp_path: Path) -> None:
    a, b, room_id, _spare = two
    office, vessel = app(a), app(b)
    ours = add_twin(office, room_id, "MT Twin")
    theirs = add_twin(vessel, room_id, "MT Twin II", upload="twin-q88.pdf")
    office.stores.close()
    vessel.stores.close()
    carry(b, a, room_id, tmp_path / "b.stsroom")
    office = app(a)
    [twin] = [c for c in SyncState(office.stores.rooms).conflicts(room_id) if c["key"] == "duplicate:vessels:9176187"]
    office.stores.close()
    refused = CliRunner().invoke(main, ["room", "resolve", room_id, twin["id"], "--keep", "local",
                                        "--data-dir", str(a)])
    assert refused.exit_code != 0 and "MT Twin II (IMO 9176187) holds uploaded documents" in refused.output \
        and "keep the other record instead" in refused.output, refused.output
    office = app(a)
    assert {ours["id"], theirs["id"]} <= {v["id"] for v in office.rooms.vessels_of(room_id)}
    assert conflicts(office, room_id) == ["duplicate:vessels:9176187"]
    office.stores.close()
    assert "resolved" in run("room", "resolve", room_id, twin["id"], "--keep", "remote", "--data-dir", str(a))
    carry(a, b, room_id, tmp_path / "a.stsroom")
    for data in (a, b):
        sts = app(data)
        ids = {v["id"] for v in sts.rooms.vessels_of(room_id)}
        assert theirs["id"] in ids and ours["id"] not in ids
        assert [d["vessel_id"] for d in sts.rooms.documents_of(room_id) if d["versions"]
                and d["versions"][0]["file_name"] == "twin-q88.pdf"] == [theirs["id"]]
        assert "twin-q88.pdf" in snapshot_text(sts, room_id)
        assert conflicts(sts, room_id) == []
        sts.stores.close()


def test_two_vessels_made_duplicates_by_an_edit_on_each_side_are_one_conflict(
        two: tuple[Path, Path, str, str], tmp_path: Path) -> None:
    a, b, room_id, spare = two
    office = app(a)
    other = office.rooms.add_vessel(LOCAL_ADMIN, room_id, {"name": "MT Other", "imo": "9176187", "role": "daughter"})
    office.stores.close()
    carry(a, b, room_id, tmp_path / "both.stsroom")  # both sides hold both vessels
    office, vessel = app(a), app(b)
    office.rooms.update_vessel(LOCAL_ADMIN, room_id, spare, {"imo": "9314789"})  # A corrects the spare's IMO
    vessel.rooms.update_vessel(LOCAL_ADMIN, room_id, other["id"], {"imo": "9314789"})  # B the other's, alike
    office.stores.close()
    vessel.stores.close()
    out_a = carry(b, a, room_id, tmp_path / "b.stsroom")
    out_b = carry(a, b, room_id, tmp_path / "a.stsroom")
    assert "1 conflicts" in out_a and "1 conflicts" in out_b, (out_a, out_b)
    expected = ["duplicate:vessels:9314789"]
    for data in (a, b):
        sts = app(data)
        assert sorted(conflicts(sts, room_id)) == expected, data.name
        sts.stores.close()
    # every merge checks the merged room again, and finds the same pair: no second conflict of it
    assert "0 conflicts" in carry(b, a, room_id, tmp_path / "b2.stsroom")
    assert "0 conflicts" in carry(a, b, room_id, tmp_path / "a2.stsroom")
    office = app(a)
    assert sorted(conflicts(office, room_id)) == expected
    [twin] = SyncState(office.stores.rooms).conflicts(room_id)
    assert twin["local"]["id"] == spare and twin["remote"]["id"] == other["id"]  # this side's edit is "local"
    office.stores.close()
    run("room", "resolve", room_id, twin["id"], "--keep", "local", "--data-dir", str(a))
    carry(a, b, room_id, tmp_path / "a3.stsroom")
    for data in (a, b):
        sts = app(data)
        ids = {v["id"] for v in sts.rooms.vessels_of(room_id)}
        assert spare in ids and other["id"] not in ids
        assert conflicts(sts, room_id) == []
        sts.stores.close()


def test_a_duplicate_put_right_here_settles_at_once_without_a_merge(
        two: tuple[Path, Path, str, str], tmp_path: Path) -> None:
    """Both twins hold an upload, so neither may be dropped; correcting the mistyped IMO of one closes the pair's
    conflict at once: the room page and the next snapshot's cover no longer show it."""
    a, b, room_id, _spare = two
    office, vessel = app(a), app(b)
    ours = add_twin(office, room_id, "MT Twin", upload="twin-q88.pdf")
    theirs = add_twin(vessel, room_id, "MT Twin II", upload="twin2-q88.pdf")
    office.stores.close()
    vessel.stores.close()
    carry(b, a, room_id, tmp_path / "b.stsroom")
    office = app(a)
    try:
        assert conflicts(office, room_id) == ["duplicate:vessels:9176187"]
        assert any("9176187" in line for line in office.pipeline.sync.open_lines(room_id))  # on the cover
        office.rooms.update_vessel(LOCAL_ADMIN, room_id, ours["id"], {"imo": "9412347"})  # the typo put right
        assert conflicts(office, room_id) == [] and office.pipeline.sync.open_lines(room_id) == []
        [settled] = [c for c in SyncState(office.stores.rooms).conflicts(room_id, open_only=False)
                     if c["key"] == "duplicate:vessels:9176187"]
        assert settled["status"] == "settled" and "differ now" in str(settled["resolved_by"])
        assert {ours["id"], theirs["id"]} <= {v["id"] for v in office.rooms.vessels_of(room_id)}  # both kept
    finally:
        office.stores.close()
