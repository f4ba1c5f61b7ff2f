"""An admin lists the installations this one trusts and revokes one (API, CLI), with two real server processes:
after that, the revoked one's sync token answers 403 saying so, and its packs are refused as from an unknown
installation."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner

from sts_snapshots.cli import main
from tests.server_process import start_server, stop_server
from tests.test_packs_servers import signed_in


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_a_revoked_installation_can_neither_sync_nor_bring_packs(tmp_path: Path) -> None:
    url_a, office = start_server(tmp_path / "office", tmp_path / "office.log")
    url_b, vessel = start_server(tmp_path / "vessel", tmp_path / "vessel.log")
    try:
        code = tmp_path / "office.pair"
        assert cli("peer", "pair-code", "-o", str(code), "--data-dir", str(tmp_path / "office"))[0] == 0
        assert cli("peer", "add", url_a, str(code), "--data-dir", str(tmp_path / "vessel"))[0] == 0
        with signed_in(url_a) as a, signed_in(url_b) as b:
            room_id = a.get("/rooms").json()[0]["id"]
            assert b.post(f"/rooms/{room_id}/sync").status_code == 200  # B's first pushed pack: A trusts B's CA
            [office_peer] = b.get("/peers").json()
            trusted = a.get("/peers/trusted").json()
            [vessel_ca] = [t for t in trusted if t["installation_id"] != office_peer["id"]]
            assert vessel_ca["fingerprint"] and vessel_ca["trusted_by"]
            pack = b.post(f"/rooms/{room_id}/export").content  # a pack of B, for later

            assert a.delete("/peers/trusted/00ff").status_code == 404
            done = a.delete(f"/peers/trusted/{vessel_ca['installation_id']}")
            assert done.status_code == 200 and done.json()["tokens"] == 1, done.text
            assert vessel_ca["installation_id"] not in {t["installation_id"] for t in a.get("/peers/trusted").json()}

            refused = b.post(f"/rooms/{room_id}/sync")
            assert refused.status_code == 502 and "403" in refused.json()["detail"] \
                and "revoked" in refused.json()["detail"], refused.text
            brought = a.post("/rooms/import", files={"file": ("b.stsroom", io.BytesIO(pack), "application/zip")})
            assert brought.status_code == 422 and "does not trust yet" in brought.json()["detail"], brought.text
    finally:
        stop_server(vessel)
        stop_server(office)

    # the command line, on the vessel's data folder: it lists the office and revokes it
    status, listed = cli("peer", "list", "--data-dir", str(tmp_path / "vessel"))
    assert status == 0 and office_peer["id"] in listed and "trusted" in listed, listed
    status, out = cli("peer", "revoke", office_peer["id"], "--data-dir", str(tmp_path / "vessel"))
    assert status == 0 and "revoked installation" in out and "1 peer record(s) forgotten" in out, out
    status, listed = cli("peer", "list", "--data-dir", str(tmp_path / "vessel"))
    assert office_peer["id"] not in listed, listed
    status, out = cli("sync", "--with", url_a, "--data-dir", str(tmp_path / "vessel"))
    assert status != 0 and "no installation is paired at" in out, out
    status, out = cli("peer", "revoke", office_peer["id"], "--data-dir", str(tmp_path / "vessel"))
    assert status != 0 and "no trusted installation" in out, out
