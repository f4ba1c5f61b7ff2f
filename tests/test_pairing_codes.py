"""Pairing codes issued and not used yet, with a real office server process: an admin lists them (CLI, API; never
the token), cancels one or all; a cancelled code, an expired one and a code used by another installation are
refused when an installation tries ``peer add`` (403, saying which) and nothing is paired; members get 403."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
from click.testing import CliRunner

from sts_snapshots.cli import main, open_app
from sts_snapshots.datadir.installation import installation_id
from sts_snapshots.demo import ADMIN_EMAIL, MEMBER_EMAIL, MEMBER_PASSWORD
from sts_snapshots.packs.pairing import make_code, pairings, read_code
from sts_snapshots.services.users import LOCAL_ADMIN
from tests.server_process import start_server, stop_server
from tests.test_packs_servers import API, signed_in


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def pair_code(office: Path, out: Path) -> str:
    assert cli("peer", "pair-code", "-o", str(out), "--data-dir", str(office))[0] == 0
    return out.read_text().strip()


def peers_of(data_dir: Path) -> list[str]:
    sts = open_app(data_dir)
    try:
        return [p["id"] for p in pairings(sts).peers()]
    finally:
        sts.stores.close()


def test_outstanding_codes_are_listed_cancelled_expire_and_pair_once(tmp_path: Path) -> None:
    office = tmp_path / "office"
    url, process = start_server(office, tmp_path / "office.log")
    vessel, intruder = tmp_path / "vessel", tmp_path / "intruder"
    try:
        first = pair_code(office, tmp_path / "first.pair")
        second = pair_code(office, tmp_path / "second.pair")
        with signed_in(url) as admin:
            third = admin.post("/peers/pair-code").json()["code"]
            listed = admin.get("/peers/codes")
            assert listed.status_code == 200, listed.text
            codes = listed.json()
            assert len(codes) == 3 and {"id", "issued_at", "issued_by", "expires_at"} == set(codes[0])
            assert codes[2]["issued_by"] == ADMIN_EMAIL and codes[0]["issued_by"]
            for text in (first, second, third):
                assert read_code(text).token not in listed.text
            with signed_in(url, MEMBER_EMAIL, MEMBER_PASSWORD) as member:
                assert member.get("/peers/codes").status_code == 403
                assert member.delete(f"/peers/codes/{codes[0]['id']}").status_code == 403
                assert member.delete("/peers/codes").status_code == 403
            assert admin.delete("/peers/codes/0123456789ab").status_code == 404
            assert admin.delete("/peers/codes/not-hex!").status_code == 422

            status, out = cli("peer", "codes", "--data-dir", str(office))
            assert status == 0 and all(c["id"] in out for c in codes) and "expires" in out, out
            assert read_code(first).token not in out

            # the first code, cancelled: the vessel's 'peer add' is refused, nothing paired
            status, out = cli("peer", "revoke-code", codes[0]["id"], "--data-dir", str(office))
            assert status == 0 and "cancelled 1 pairing code(s)" in out, out
            status, out = cli("peer", "add", url, first, "--data-dir", str(vessel))
            assert status != 0 and "not paired: the installation at" in out and "was cancelled by" in out, out
            assert peers_of(vessel) == []
            with httpx.Client(base_url=url + API, timeout=30) as anyone:  # its token gets nothing else either
                refused = anyone.get("/sync/rooms", headers={"X-Sts-Sync-Token": read_code(first).token})
                assert refused.status_code == 403 and "cancelled" in refused.json()["detail"], refused.text

            # an expired one (issued, as a code a day old would be, already past its time)
            sts = open_app(office)
            try:
                expired = make_code(sts, LOCAL_ADMIN, valid_for=timedelta(seconds=-1)).text()
            finally:
                sts.stores.close()
            assert len(admin.get("/peers/codes").json()) == 2  # an expired code is outstanding no more
            status, out = cli("peer", "add", url, expired, "--data-dir", str(vessel))
            assert status != 0 and "expired unused" in out, out
            assert peers_of(vessel) == []
            answer = admin.post("/peers", json={"url": url, "code": expired})  # this installation's own code
            assert answer.status_code == 422, answer.text

            # the second one pairs the vessel, and no other installation after it
            status, out = cli("peer", "add", url, second, "--data-dir", str(vessel))
            assert status == 0 and "paired with installation" in out and "not asked" not in out, out
            assert peers_of(vessel) == [installation_id(open_app(office).layout)]
            status, out = cli("peer", "add", url, second, "--data-dir", str(vessel))  # the same one again: fine
            assert status == 0, out
            status, out = cli("peer", "add", url, second, "--data-dir", str(intruder))
            assert status != 0 and "used already" in out and installation_id(open_app(vessel).layout) in out, out
            assert peers_of(intruder) == []

            # cancel all: the third one goes, an installation trying it is refused
            assert [c["id"] for c in admin.get("/peers/codes").json()] == [codes[2]["id"]]
            status, out = cli("peer", "revoke-code", "--data-dir", str(office))
            assert status != 0 and "--all" in out, out
            status, out = cli("peer", "revoke-code", "--all", "--data-dir", str(office))
            assert status == 0 and "cancelled 1 pairing code(s)" in out and codes[2]["id"] in out, out
            assert admin.get("/peers/codes").json() == []
            status, out = cli("peer", "revoke-code", codes[2]["id"], "--data-dir", str(office))
            assert status != 0 and "no outstanding pairing code" in out, out
            status, out = cli("peer", "add", url, third, "--data-dir", str(intruder))
            assert status != 0 and "was cancelled by sts-snapshots (command line)" in out, out
            status, listed_out = cli("peer", "list", "--data-dir", str(office))
            assert status == 0 and "not used yet" in listed_out and "  none" in listed_out, listed_out
    finally:
        stop_server(process)
