"""Room packs in the browser, for admins: "Send to…" on a room (downloads its pack) and "Import room pack" on the
rooms list (an upload dialog). The work is :mod:`sts_snapshots.packs`'s; the download is a cookie-session route."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse
from nicegui import events, ui
from starlette.background import BackgroundTask

from ...context import StsApp
from ...packs import PackRefused, export_pack, import_pack, pack_file_name
from ...packs.format import MEDIA_TYPE
from ...services.errors import Conflict, Forbidden
from ...services.files import content_disposition
from ...services.users import User
from ..shell import session, threads, widgets
from .files import ID

PACK_FILES = "/ui/files/packs"


def pack_url(room_id: str) -> str:
    """The link that downloads the room's pack.

    >>> pack_url("r1")
    '/ui/files/packs/r1'
    """
    return f"{PACK_FILES}/{room_id}"


def send_to_button(room_id: str) -> None:
    """The room header's "Send to…": the room's pack, to carry to another installation (a laptop on board)."""
    button = ui.button("Send to…", icon="sailing").props("flat dense no-caps color=secondary size=sm") \
        .mark("send-room")
    button.props["href"] = pack_url(room_id)
    button.props["download"] = True
    button.tooltip("Download this room as a room pack, to import on another installation")


def register_pack_files(app: FastAPI, sts: StsApp) -> None:
    @app.get(PACK_FILES + "/{room_id}", include_in_schema=False)
    async def pack_download(room_id: ID) -> FileResponse:
        user = await session.current_user(sts)
        if user is None:
            raise HTTPException(401, "sign in first")
        if not user.is_admin:
            raise HTTPException(403, "only an admin may export a room pack")
        room = sts.rooms.get(room_id)
        if room is None:
            raise HTTPException(404, "room not found")
        handle, name = tempfile.mkstemp(prefix="sts-pack-", suffix=".stsroom")
        os.close(handle)
        path = Path(name)
        try:
            await threads.io(export_pack, sts, user, room_id, path)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return FileResponse(path, media_type=MEDIA_TYPE, background=BackgroundTask(path.unlink, missing_ok=True),
                            headers={"Cache-Control": "private, no-store",
                                     "Content-Disposition": content_disposition("attachment",
                                                                                pack_file_name(room["title"]))})


def open_import_dialog(sts: StsApp, user: User) -> None:
    """Upload a ``.stsroom``; a signer not trusted yet is shown with its fingerprint to trust (and import) at once."""
    limit_mb = sts.settings.max_upload_mb  # the browser's upload route takes what a document upload may be

    async def bring_in(data: bytes, trust: bool) -> None:
        message.set_text("")
        try:
            result = await threads.io(import_pack, sts, user, io.BytesIO(data), trust=trust)
        except (PackRefused, Conflict, Forbidden) as exc:
            message.set_text(f"Refused: {exc}")
            if isinstance(exc, PackRefused) and "does not trust yet" in str(exc):
                trust_row.clear()
                with trust_row:
                    ui.button("Trust this installation and import", icon="verified_user",
                              on_click=lambda: bring_in(data, True)) \
                        .props("unelevated no-caps color=primary").mark("pack-trust")
            return
        dialog.close()
        if result.merged:
            widgets.notify_ok(f"Merged into {result.title}: {result.taken} fields taken, {result.files} new files, "
                              f"{result.conflicts} conflicts (shown on the room page)")
        else:
            widgets.notify_ok(f"Imported {result.title} ({result.documents} documents, {result.files} files)")
        ui.navigate.to(f"/rooms/{result.room_id}")

    async def received(event: events.UploadEventArguments) -> None:
        trust_row.clear()
        await bring_in(await event.file.read(), False)

    with widgets.dialog_box("Import room pack", "a room exported by another installation") as dialog:
        with widgets.dialog_body():
            ui.upload(label="Drop the .stsroom file here, or click to choose", auto_upload=True, max_files=1,
                      max_file_size=limit_mb * 1024 * 1024, on_upload=received,
                      on_rejected=lambda: widgets.notify_error(ValueError(
                          f"Larger than {limit_mb} MB: import it with 'sts-snapshots room import FILE'"))) \
                .props("accept=.stsroom flat color=white text-color=primary").classes("sts-upload") \
                .mark("pack-upload")
            ui.label("A room new to this installation is created as it is; one it has is merged: a field both "
                     "installations changed is a conflict, shown on the room page.").classes("sts-muted text-[13px]")
            ui.link("Paired and trusted installations, pairing →", "/peers").classes("text-[13px]") \
                .mark("peers-link")
            message = ui.label("").classes("text-negative text-[14px] break-all").mark("pack-message")
            trust_row = ui.row()
        with ui.row().classes("sts-dialog-actions"):
            ui.button("Close", on_click=dialog.close).props("flat color=grey-8")
    dialog.open()
