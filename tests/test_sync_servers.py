"""Pairing and sync between two real server processes on data folders of their own: the office (A), a vessel (B)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from sts_snapshots.app import build_app
from sts_snapshots.cli import main
from sts_snapshots.demo import MEMBER_EMAIL, MEMBER_PASSWORD
from sts_snapshots.packs.export import write_pack
from sts_snapshots.packs.pairing import pairings
from sts_snapshots.packs.sync import SYNC_USER, sync_all
from sts_snapshots.services.users import LOCAL_ADMIN
from sts_snapshots.settings import Settings
from tests.server_process import start_server, stop_server
from tests.test_packs_servers import API, signed_in


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str, Path]]:
    root = tmp_path_factory.mktemp("sync")
    started = []
    try:
        for name in ("office", "vessel"):
            started.append(start_server(root / name, root / f"{name}.log"))
        yield started[0][0], root / "office", started[1][0], root / "vessel"
    finally:
        for _url, process in started:
            stop_server(process)


def test_pair_sync_offline_edits_converge(servers: tuple[str, Path, str, Path], tmp_path: Path) -> None:
    url_a, data_a, url_b, data_b = servers
    code = tmp_path / "office.pair"
    cli("peer", "pair-code", "-o", str(code), "--data-dir", str(data_a))
    assert code.stat().st_mode & 0o777 == 0o600 and code.read_text().startswith("sts-pair-1:")
    assert "paired with installation" in cli("peer", "add", url_a, str(code), "--data-dir", str(data_b))
    tokens = list((data_b / "peers").glob("*.token"))
    assert len(tokens) == 1 and tokens[0].stat().st_mode & 0o777 == 0o600
    assert tokens[0].read_text() not in (data_a / "db" / "users.json").read_text()  # A keeps only its hash

    with httpx.Client(base_url=url_a + API, timeout=30) as anyone:  # unpaired or a wrong token: refused
        unpaired = anyone.get("/sync/rooms")
        wrong = anyone.get("/sync/rooms", headers={"X-Sts-Sync-Token": "x" * 43})
        assert unpaired.status_code == 401 and "sync token" in unpaired.json()["detail"]
        assert wrong.status_code == 403 and "pair" in wrong.json()["detail"]
        assert anyone.post("/sync/rooms/import", headers={"X-Sts-Sync-Token": "x" * 43},
                           files={"file": ("r.stsroom", b"PK", "application/zip")}).status_code == 403

    with signed_in(url_a) as a, signed_in(url_b) as b, signed_in(url_b, MEMBER_EMAIL, MEMBER_PASSWORD) as member:
        room_id = a.get("/rooms").json()[0]["id"]
        assert member.post(f"/rooms/{room_id}/sync").status_code == 403
        assert b.get(f"/rooms/{room_id}").status_code == 404

        first = b.post(f"/rooms/{room_id}/sync")  # the room comes to B, and B's pack (the same) merges on A
        assert first.status_code == 200, first.text
        files = len({v["file_id"] for d in a.get(f"/rooms/{room_id}/documents").json() for v in d["versions"]})
        assert files > 0 and first.json()["pulled_left_out"] == 0 and first.json()["pushed_left_out"] == files
        assert b.get(f"/rooms/{room_id}").json()["title"] == a.get(f"/rooms/{room_id}").json()["title"]

        # offline, each side edits the room: one field each, and one both
        assert a.patch(f"/rooms/{room_id}", json={"location": "Skaw, as the office says",
                                                  "description": "office"}).status_code == 200
        assert b.patch(f"/rooms/{room_id}", json={"cargo_type": "Gasoil, as the vessel says",
                                                  "description": "vessel"}).status_code == 200
        again = b.post(f"/rooms/{room_id}/sync")
        assert again.status_code == 200, again.text
        body = again.json()
        assert body["pulled_left_out"] == files and body["pushed_left_out"] == files  # no file crosses again
        assert body["pulled_bytes"] < first.json()["pulled_bytes"]
        room_a, room_b = a.get(f"/rooms/{room_id}").json(), b.get(f"/rooms/{room_id}").json()
        for room in (room_a, room_b):
            assert room["location"] == "Skaw, as the office says" and room["cargo_type"] == "Gasoil, as the vessel says"
        for side in (a, b):
            [conflict] = side.get(f"/rooms/{room_id}/conflicts").json()
            assert conflict["key"] == f"room:{room_id}:description"
        assert {room_a["description"], room_b["description"]} == {"office", "vessel"}  # each keeps its own till decided

        status = b.get(f"/rooms/{room_id}/sync").json()["runs"]
        assert len(status) == 1 and status[0]["succeeded_at"] and not status[0]["error"]

    out = cli("sync", "--with", url_a, "--room", room_id, "--data-dir", str(data_b))  # a rerun: nothing new
    assert f"room {room_id}: synced at" in out and "0 conflicts" in out, out
    with signed_in(url_a) as a, signed_in(url_b) as b:
        assert len(a.get(f"/rooms/{room_id}/conflicts").json()) == 1 == len(b.get(f"/rooms/{room_id}/conflicts").json())


def test_sync_with_an_unpaired_url_contacts_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["sync", "--with", "http://127.0.0.1:9", "--data-dir", str(tmp_path / "d")])
    assert result.exit_code != 0 and "no installation is paired at http://127.0.0.1:9" in result.output


def test_a_sync_cut_off_fails_in_one_line_and_a_rerun_completes_it(tmp_path: Path) -> None:
    url_a, office = start_server(tmp_path / "office", tmp_path / "office.log")
    url_b, vessel = start_server(tmp_path / "vessel", tmp_path / "vessel.log")
    try:
        code = tmp_path / "office.pair"
        cli("peer", "pair-code", "-o", str(code), "--data-dir", str(tmp_path / "office"))
        cli("peer", "add", url_a, str(code), "--data-dir", str(tmp_path / "vessel"))
        with signed_in(url_a) as a:
            room_id = a.get("/rooms").json()[0]["id"]
        stop_server(office)  # the network is off
        with signed_in(url_b) as b:
            cut = b.post(f"/rooms/{room_id}/sync")
            assert cut.status_code == 502 and "cannot be reached" in cut.json()["detail"], cut.text
            [run] = b.get(f"/rooms/{room_id}/sync").json()["runs"]
            assert run["error"] and run["succeeded_at"] is None
            assert b.get(f"/rooms/{room_id}").status_code == 404 and b.get("/rooms").status_code == 200

        url_a, office = start_server(tmp_path / "office", tmp_path / "office2.log")  # back, on another port
        cli("peer", "add", url_a, str(code), "--data-dir", str(tmp_path / "vessel"))  # the same code, a new URL
        with signed_in(url_b) as b:
            done = b.post(f"/rooms/{room_id}/sync")
            assert done.status_code == 200, done.text
            [run] = b.get(f"/rooms/{room_id}/sync").json()["runs"]
            assert run["succeeded_at"] and not run["error"]
        vessel_app = build_app(Settings.load({"data_dir": tmp_path / "vessel", "workers": 0}, env={}))
        try:  # the automatic sync's job, called as the scheduler calls it
            [line] = sync_all(vessel_app, SYNC_USER)  # the room both have; not the vessel's own demo room
            assert line == f"room {room_id}: " + pairings(vessel_app).runs_of(room_id)[0]["summary"]
        finally:
            vessel_app.stores.close()

        # the token is bound to the vessel's CA by its first push: another installation holding it is refused
        [token] = (tmp_path / "vessel" / "peers").glob("*.token")
        other = build_app(Settings.load({"data_dir": tmp_path / "other", "workers": 0, "demo": False}, env={}))
        try:
            room = other.rooms.create_room(LOCAL_ADMIN, {"title": "Not the vessel's"})
            pack = io.BytesIO()
            write_pack(other, LOCAL_ADMIN, room["id"], pack)
        finally:
            other.stores.close()
        with httpx.Client(base_url=url_a + API, timeout=30) as client:
            refused = client.post("/sync/rooms/import", headers={"X-Sts-Sync-Token": token.read_text()},
                                  files={"file": ("r.stsroom", pack.getvalue(), "application/zip")})
            assert refused.status_code == 403 and "another installation" in refused.json()["detail"], refused.text
    finally:
        stop_server(vessel)
        stop_server(office)
