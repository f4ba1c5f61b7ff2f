"""Merge conflicts through the API: room members see them, only admins import and resolve them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sts_snapshots.app import build_app
from sts_snapshots.cli import main
from sts_snapshots.services.users import LOCAL_ADMIN
from sts_snapshots.settings import Settings
from tests.harness import API, Harness


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


async def test_members_see_conflicts_and_admins_resolve_them(harness: Harness, tmp_path: Path) -> None:
    room_id = harness.demo_room_id()
    first = await harness.client.post(f"{API}/rooms/{room_id}/export", headers=harness.admin)
    (tmp_path / "a.stsroom").write_bytes(first.content)
    vessel = tmp_path / "vessel"
    cli("room", "import", str(tmp_path / "a.stsroom"), "--trust", "--data-dir", str(vessel))
    other = build_app(Settings.load({"data_dir": vessel, "workers": 0}, env={}))
    other.rooms.update_room(LOCAL_ADMIN, room_id, {"description": "as the vessel has it"})
    other.stores.close()
    cli("room", "export", room_id, "-o", str(tmp_path / "b.stsroom"), "--data-dir", str(vessel))
    changed = await harness.client.patch(f"{API}/rooms/{room_id}", headers=harness.admin,
                                         json={"description": "as the office has it"})
    assert changed.status_code == 200, changed.text

    pack = {"file": ("b.stsroom", (tmp_path / "b.stsroom").read_bytes(), "application/octet-stream")}
    refused = await harness.client.post(f"{API}/rooms/import", headers=harness.member, files=pack,
                                        params={"trust": True})
    assert refused.status_code == 403
    merged = await harness.client.post(f"{API}/rooms/import", headers=harness.admin, files=pack,
                                       params={"trust": True})
    assert merged.status_code == 201 and merged.json()["merged"] and merged.json()["conflicts"] == 1, merged.text

    seen = await harness.client.get(f"{API}/rooms/{room_id}/conflicts", headers=harness.member)
    assert seen.status_code == 200, seen.text
    [conflict] = seen.json()
    assert conflict["key"] == f"room:{room_id}:description"
    assert conflict["local"] == {"description": "as the office has it"}
    assert conflict["remote"] == {"description": "as the vessel has it"}
    assert conflict["local_origin"] != conflict["remote_origin"]
    url = f"{API}/rooms/{room_id}/conflicts/{conflict['id']}/resolve"
    assert (await harness.client.post(url, headers=harness.member, json={"keep": "remote"})).status_code == 403
    assert (await harness.client.post(url, headers=harness.admin, json={"keep": "both"})).status_code == 422
    done = await harness.client.post(url, headers=harness.admin, json={"keep": "remote"})
    assert done.status_code == 200 and done.json()["kept"] == "remote", done.text
    room = await harness.client.get(f"{API}/rooms/{room_id}", headers=harness.admin)
    assert room.json()["description"] == "as the vessel has it"
    assert (await harness.client.get(f"{API}/rooms/{room_id}/conflicts", headers=harness.member)).json() == []
    again = await harness.client.post(url, headers=harness.admin, json={"keep": "local"})
    assert again.status_code == 404
