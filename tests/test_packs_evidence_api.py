"""Resolving a conflict through the API never drops evidence: keeping one of two vessels with the same IMO number
when the other holds an uploaded document is a 409 naming the document; keeping that one instead works, and the
document stays in the room."""

from __future__ import annotations

from pathlib import Path

from sts_snapshots.app import build_app
from sts_snapshots.services.users import LOCAL_ADMIN
from sts_snapshots.settings import Settings
from tests.harness import API, Harness
from tests.test_packs_conflicts_api import cli


async def test_a_duplicate_that_would_drop_an_uploaded_document_is_a_409_naming_it(harness: Harness,
                                                                                    tmp_path: Path) -> None:
    room_id = harness.demo_room_id()
    first = await harness.client.post(f"{API}/rooms/{room_id}/export", headers=harness.admin)
    (tmp_path / "a.stsroom").write_bytes(first.content)
    vessel = tmp_path / "vessel"
    cli("room", "import", str(tmp_path / "a.stsroom"), "--trust", "--data-dir", str(vessel))
    other = build_app(Settings.load({"data_dir": vessel, "workers": 0}, env={}))
    theirs = other.rooms.add_vessel(LOCAL_ADMIN, room_id, {"name": "MT Twin II", "imo": "9176187", "role": "daughter"})
    slot = next(d for d in other.rooms.documents_of(room_id) if d.get("vessel_id") == theirs["id"])
    other.documents.upload(LOCAL_ADMIN, room_id, slot["id"], "twin-q88.pdf", b"%PDF-1.4 twin q88\n")
    type_name = other.documents.view(next(d for d in other.rooms.documents_of(room_id)
                                          if d["id"] == slot["id"]))["type_name"]
    other.stores.close()
    cli("room", "export", room_id, "-o", str(tmp_path / "b.stsroom"), "--data-dir", str(vessel))
    ours = await harness.client.post(f"{API}/rooms/{room_id}/vessels", headers=harness.admin,
                                     json={"name": "MT Twin", "imo": "9176187", "role": "daughter"})
    assert ours.status_code == 201, ours.text

    pack = {"file": ("b.stsroom", (tmp_path / "b.stsroom").read_bytes(), "application/octet-stream")}
    merged = await harness.client.post(f"{API}/rooms/import", headers=harness.admin, files=pack,
                                       params={"trust": True})
    assert merged.status_code == 201 and merged.json()["conflicts"] == 1, merged.text
    [twin] = (await harness.client.get(f"{API}/rooms/{room_id}/conflicts", headers=harness.admin)).json()
    assert twin["key"] == "duplicate:vessels:9176187"
    url = f"{API}/rooms/{room_id}/conflicts/{twin['id']}/resolve"
    refused = await harness.client.post(url, headers=harness.admin, json={"keep": "local"})
    assert refused.status_code == 409, refused.text
    detail = refused.json()["detail"]
    assert f"MT Twin II (IMO 9176187) holds uploaded documents ({type_name})" in detail \
        and "keep the other record instead" in detail, detail
    assert len((await harness.client.get(f"{API}/rooms/{room_id}/conflicts", headers=harness.admin)).json()) == 1
    done = await harness.client.post(url, headers=harness.admin, json={"keep": "remote"})
    assert done.status_code == 200, done.text
    docs = (await harness.client.get(f"{API}/rooms/{room_id}/documents", headers=harness.admin)).json()
    assert [d["vessel_id"] for d in docs if d["versions"] and d["versions"][0]["file_name"] == "twin-q88.pdf"] \
        == [theirs["id"]]
    vessels = {v["id"] for v in harness.sts.rooms.vessels_of(room_id)}
    assert theirs["id"] in vessels and ours.json()["id"] not in vessels
