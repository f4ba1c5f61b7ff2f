"""Other installations in the browser (/peers): an admin makes this installation's pairing code, sees it among the
codes not used yet and cancels it, pairs with another from its code, sees it paired and trusted, and revokes it;
members are kept out."""

from __future__ import annotations

from pathlib import Path

from sts_snapshots.demo import ADMIN_EMAIL, MEMBER_EMAIL
from sts_snapshots.domain.time import utcnow
from sts_snapshots.packs.pairing import outstanding_codes, pairings, read_code, refusal, trusted
from sts_snapshots.services.users import LOCAL_ADMIN
from tests.harness import Harness
from tests.server_process import free_port
from tests.test_sync_servers import cli
from tests.test_ui_support import elements, sign_in, sign_out, wait_for


async def test_an_admin_pairs_from_the_browser_and_revokes_the_trust(harness: Harness, tmp_path: Path) -> None:
    sts, user = harness.sts, harness.user
    await sign_in(user, MEMBER_EMAIL, "/peers")
    await user.should_see("Only administrators pair installations")
    assert not elements(user, "make-pair-code") and not elements(user, "nav-peers")
    await sign_out(user)

    await sign_in(user, ADMIN_EMAIL, "/")
    await user.should_see(marker="nav-peers")  # the header leads an admin there
    await user.open("/peers")
    await user.should_see(marker="pairing-card")
    await user.should_see("None yet: this installation syncs with no other.")
    user.find(marker="make-pair-code").click()
    [shown] = elements(user, "own-pair-code")
    await wait_for(lambda: bool(shown.value), what="the pairing code")
    own = read_code(shown.value)  # a code of this installation, ready for the other one's 'peer add'
    assert own.ca_fingerprint and own.token
    [issued] = outstanding_codes(sts, LOCAL_ADMIN)  # listed, not used yet, with a button that cancels it
    await user.should_see(marker=f"code-{issued.id}")
    await user.should_see(f"made by {ADMIN_EMAIL}")
    user.find(marker=f"cancel-code-{issued.id}").click()
    await wait_for(lambda: not outstanding_codes(sts, LOCAL_ADMIN), what="the cancelled code")
    await user.should_see("None: every pairing code made here was used, cancelled or has expired.")
    assert refusal(pairings(sts).token(own.token), utcnow()) is not None

    code = tmp_path / "office.pair"
    cli("peer", "pair-code", "-o", str(code), "--data-dir", str(tmp_path / "office"))
    office = read_code(code.read_text())
    away = f"http://127.0.0.1:{free_port()}"  # the office, out of reach: paired, its code claimed at the first sync
    user.find(marker="peer-url").type(away)
    user.find(marker="peer-code").type(code.read_text())
    user.find(marker="pair-peer").click()
    await wait_for(lambda: bool(pairings(sts).peers()), what="the pairing")
    [peer] = pairings(sts).peers()
    assert peer["id"] == office.installation_id and peer["url"] == away and "confirmed_at" not in peer
    await user.should_see("Paired, not checked yet")
    await user.should_see(marker=f"paired-{office.installation_id}")
    await user.should_see(marker=f"revoke-{office.installation_id}")

    user.find(marker=f"revoke-{office.installation_id}").click()
    await wait_for(lambda: not pairings(sts).peers(), what="the revocation")
    assert office.installation_id not in {t["installation_id"] for t in trusted(sts, LOCAL_ADMIN)}
    await user.should_see("None yet: this installation syncs with no other.")


async def test_a_bad_pairing_code_is_one_line_and_pairs_nothing(harness: Harness) -> None:
    sts, user = harness.sts, harness.user
    await sign_in(user, ADMIN_EMAIL, "/peers")
    await user.should_see(marker="pairing-card")
    user.find(marker="peer-url").type(f"http://127.0.0.1:{free_port()}")
    user.find(marker="peer-code").type("not a code")
    user.find(marker="pair-peer").click()
    await user.should_see("Not paired: Not a pairing code (it starts with 'sts-pair-1:')")
    assert pairings(sts).peers() == []
