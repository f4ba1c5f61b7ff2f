""""Sync now" on the room page: admins see one button per paired installation (a real server process here)."""

from __future__ import annotations

from pathlib import Path

from sts_snapshots.demo import ADMIN_EMAIL, MEMBER_EMAIL
from sts_snapshots.packs.pairing import add_peer, pairings
from sts_snapshots.services.users import LOCAL_ADMIN
from tests.harness import Harness
from tests.server_process import start_server, stop_server
from tests.test_packs_servers import signed_in
from tests.test_sync_servers import cli
from tests.test_ui_support import sign_in, sign_out, wait_for


async def test_sync_now_pushes_the_room_to_the_paired_office(harness: Harness, tmp_path: Path) -> None:
    sts, room_id, user = harness.sts, harness.demo_room_id(), harness.user
    await sign_in(user, ADMIN_EMAIL, f"/rooms/{room_id}")
    await user.should_see(marker="sync-now")
    await user.should_not_see("Sync now with")  # paired with none yet
    await sign_out(user)

    url, office = start_server(tmp_path / "office", tmp_path / "office.log")
    try:
        code = tmp_path / "office.pair"
        cli("peer", "pair-code", "-o", str(code), "--data-dir", str(tmp_path / "office"))
        peer = add_peer(sts, LOCAL_ADMIN, url, code.read_text()).peer
        await sign_in(user, MEMBER_EMAIL, f"/rooms/{room_id}")
        await user.should_see(marker="sync-now")
        await user.should_not_see("Sync now with")  # admins only
        await sign_out(user)

        await sign_in(user, ADMIN_EMAIL, f"/rooms/{room_id}")
        await user.should_see(marker=f"sync-now-{peer['id']}", retries=50)
        await user.should_see("not synced yet")
        user.find(marker=f"sync-now-{peer['id']}").click()
        await wait_for(lambda: bool(pairings(sts).runs_of(room_id)), what="the sync", timeout=60)
        [run] = pairings(sts).runs_of(room_id)
        assert run["succeeded_at"] and not run["error"], run
        await user.should_see("last synced", retries=50)
        with signed_in(url) as office_api:  # the room is at the office now
            assert office_api.get(f"/rooms/{room_id}").status_code == 200
    finally:
        stop_server(office)
