"""The room page's conflict panel never drops evidence: an admin keeping one of two same-IMO vessels, when the
other holds an uploaded document, is told why not in one line, and the conflict stays open with both vessels."""

from __future__ import annotations

import io
from pathlib import Path

from sts_snapshots.app import build_app
from sts_snapshots.demo import ADMIN_EMAIL
from sts_snapshots.packs import import_pack
from sts_snapshots.packs.export import write_pack
from sts_snapshots.services.sync_state import SyncState
from sts_snapshots.services.users import LOCAL_ADMIN
from sts_snapshots.settings import Settings
from tests.harness import Harness
from tests.test_ui_support import sign_in


async def test_keeping_a_duplicate_that_would_drop_an_upload_is_refused_on_the_page(harness: Harness,
                                                                                    tmp_path: Path) -> None:
    room_id, sts, user = harness.demo_room_id(), harness.sts, harness.user
    out = io.BytesIO()
    write_pack(sts, LOCAL_ADMIN, room_id, out)
    vessel = build_app(Settings.load({"data_dir": tmp_path / "vessel", "workers": 0}, env={}))
    import_pack(vessel, LOCAL_ADMIN, io.BytesIO(out.getvalue()), trust=True)
    theirs = vessel.rooms.add_vessel(LOCAL_ADMIN, room_id, {"name": "MT Twin II", "imo": "9176187",
                                                            "role": "daughter"})
    slot = next(d for d in vessel.rooms.documents_of(room_id) if d.get("vessel_id") == theirs["id"])
    vessel.documents.upload(LOCAL_ADMIN, room_id, slot["id"], "twin-q88.pdf", b"%PDF-1.4 twin q88\n")
    back = io.BytesIO()
    write_pack(vessel, LOCAL_ADMIN, room_id, back)
    vessel.stores.close()
    ours = sts.rooms.add_vessel(LOCAL_ADMIN, room_id, {"name": "MT Twin", "imo": "9176187", "role": "daughter"})
    assert import_pack(sts, LOCAL_ADMIN, io.BytesIO(back.getvalue()), trust=True).conflicts == 1

    await sign_in(user, ADMIN_EMAIL, f"/rooms/{room_id}")
    await user.should_see(marker="conflicts-card", retries=50)
    [twin] = SyncState(sts.stores.rooms).conflicts(room_id)
    user.find(marker=f"keep-local-{twin['id']}").click()
    await user.should_see("MT Twin II (IMO 9176187) holds uploaded documents", retries=50)
    assert [c["id"] for c in SyncState(sts.stores.rooms).conflicts(room_id)] == [twin["id"]]
    assert {ours["id"], theirs["id"]} <= {v["id"] for v in sts.rooms.vessels_of(room_id)}
    await user.should_see(marker="conflicts-card")
