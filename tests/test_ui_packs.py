"""Room packs in the browser: "Send to…" on the room page and "Import room pack" on the rooms list, admins only."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from nicegui import ui

from sts_snapshots.app import build_app, seed_if_empty
from sts_snapshots.demo import ADMIN_EMAIL, MEMBER_EMAIL
from sts_snapshots.packs.export import write_pack
from sts_snapshots.services.users import LOCAL_ADMIN
from sts_snapshots.settings import Settings
from sts_snapshots.ui.pages.packs import pack_url
from tests.harness import Harness
from tests.test_ui_support import elements, prop, sign_in, sign_out, wait_for


def office_pack(tmp_path: Path) -> tuple[str, bytes]:
    """The demo room of another installation, as its pack."""
    office = build_app(Settings.load({"data_dir": tmp_path / "office", "workers": 0}, env={}))
    seed_if_empty(office)
    room_id = office.rooms.room_ids()[0]
    out = io.BytesIO()
    write_pack(office, LOCAL_ADMIN, room_id, out)
    office.stores.close()
    return room_id, out.getvalue()


async def test_send_to_downloads_the_pack_for_admins_only(harness: Harness) -> None:
    room_id, user = harness.demo_room_id(), harness.user
    await sign_in(user, ADMIN_EMAIL, f"/rooms/{room_id}")
    await user.should_see(marker="send-room")
    assert prop(user, "send-room", "href") == pack_url(room_id)
    answer = await user.http_client.get(pack_url(room_id))
    assert answer.status_code == 200 and answer.headers["content-disposition"].endswith('.stsroom')
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
    await sign_out(user)
    await sign_in(user, MEMBER_EMAIL, f"/rooms/{room_id}")
    await user.should_see(marker="room-title")
    assert not elements(user, "send-room")
    assert (await user.http_client.get(pack_url(room_id))).status_code == 403


async def test_import_room_pack_asks_to_trust_an_unknown_installation_then_opens_the_room(
        harness: Harness, tmp_path: Path) -> None:
    room_id, pack = office_pack(tmp_path)
    user = harness.user
    await sign_in(user, ADMIN_EMAIL, "/")
    user.find(marker="import-room").click()
    upload = elements(user, "pack-upload")[0]
    assert isinstance(upload, ui.upload)
    await upload.handle_uploads([ui.upload.SmallFileUpload("office.stsroom", "application/zip", pack)])
    await user.should_see("does not trust yet", retries=50)
    assert harness.sts.rooms.get(room_id) is None
    user.find(marker="pack-trust").click()
    await wait_for(lambda: harness.sts.rooms.get(room_id) is not None, what="the import")
    await user.should_see(marker="room-title", retries=50)


async def test_a_member_has_no_import_button(harness: Harness) -> None:
    await sign_in(harness.user, MEMBER_EMAIL, "/")
    await harness.user.should_see(marker="new-room")
    assert not elements(harness.user, "import-room")


async def test_the_room_page_shows_open_conflicts_and_admins_keep_one(harness: Harness, tmp_path: Path) -> None:
    from sts_snapshots.packs import import_pack
    from sts_snapshots.services.sync_state import SyncState

    room_id, sts, user = harness.demo_room_id(), harness.sts, harness.user
    out = io.BytesIO()
    write_pack(sts, LOCAL_ADMIN, room_id, out)
    vessel = build_app(Settings.load({"data_dir": tmp_path / "vessel", "workers": 0}, env={}))
    import_pack(vessel, LOCAL_ADMIN, io.BytesIO(out.getvalue()), trust=True)
    vessel.rooms.update_room(LOCAL_ADMIN, room_id, {"description": "as the vessel has it"})
    back = io.BytesIO()
    write_pack(vessel, LOCAL_ADMIN, room_id, back)
    vessel.stores.close()
    sts.rooms.update_room(LOCAL_ADMIN, room_id, {"description": "as the office has it"})
    result = import_pack(sts, LOCAL_ADMIN, io.BytesIO(back.getvalue()), trust=True)
    assert result.merged and result.conflicts == 1

    await sign_in(user, MEMBER_EMAIL, f"/rooms/{room_id}")
    await user.should_see(marker="conflicts-card", retries=50)
    await user.should_see("as the vessel has it")
    assert not [e for e in elements(user, "conflicts-card")[0].descendants() if isinstance(e, ui.button)]
    await sign_out(user)
    await sign_in(user, ADMIN_EMAIL, f"/rooms/{room_id}")
    await user.should_see(marker="conflicts-card", retries=50)
    [conflict] = SyncState(sts.stores.rooms).conflicts(room_id)
    user.find(marker=f"keep-remote-{conflict['id']}").click()
    await wait_for(lambda: (sts.rooms.get(room_id) or {}).get("description") == "as the vessel has it",
                   what="the resolution")
    await user.should_not_see(marker="conflicts-card", retries=50)
