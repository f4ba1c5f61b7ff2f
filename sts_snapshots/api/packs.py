"""``/api/v1/rooms/{room_id}/export`` and ``/api/v1/rooms/import``: room packs, for admins (``sts_snapshots.packs``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Query, UploadFile
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from ..packs import PackRefused, export_pack, import_pack, pack_file_name
from ..packs.format import MEDIA_TYPE
from ..services.errors import NotFound
from ..services.files import content_disposition
from .deps import AdminUser, RoomId, Sts
from .limits import MULTIPART_OVERHEAD

router = APIRouter(prefix="/rooms", tags=["room packs"])  # included with the pack body limit (pack_limit)
IMPORT_PATH = "/rooms/import"  # under the API prefix; the middleware lets its body be that large


def pack_limit(max_pack_mb: int) -> int:
    """The largest request body of a pack upload.

    >>> pack_limit(1)
    1114112
    """
    return max_pack_mb * 1024 * 1024 + MULTIPART_OVERHEAD


@router.post("/{room_id}/export", response_class=FileResponse)
def export_room(sts: Sts, user: AdminUser, room_id: RoomId,
                snapshots: Annotated[bool, Query(description="carry its completed snapshot PDFs too")] = False,
                ) -> FileResponse:
    """The room as a signed room pack (``.stsroom``) to carry to another installation."""
    room = sts.rooms.get(room_id)
    if room is None:
        raise NotFound("room not found")
    handle, name = tempfile.mkstemp(prefix="sts-pack-", suffix=".stsroom")
    os.close(handle)
    path = Path(name)
    try:
        export_pack(sts, user, room_id, path, snapshots=snapshots)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FileResponse(path, media_type=MEDIA_TYPE, background=BackgroundTask(path.unlink, missing_ok=True),
                        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
                                 "Content-Disposition": content_disposition("attachment",
                                                                            pack_file_name(room["title"]))})


@router.post(IMPORT_PATH.removeprefix(router.prefix), status_code=201)
def import_room(sts: Sts, user: AdminUser, file: Annotated[UploadFile, File(description="the .stsroom file")],
                trust: Annotated[bool, Query(description="trust the installation that signed it, if not yet")] = False,
                ) -> dict[str, Any]:
    """Bring in the room of a pack: a room new here is created as it is; one this installation has is merged
    (``merged``; a field both sides changed is a conflict, ``conflicts`` of them opened: see
    ``/rooms/{id}/conflicts``); a pack that fails a check is refused (422, one line) and nothing changes; a pack
    from before merging into a room this installation has is refused (409)."""
    try:
        result = import_pack(sts, user, file.file, trust=trust)
    except PackRefused as exc:
        raise HTTPException(422, f"room pack refused: {exc}") from None
    return {"room_id": result.room_id, "title": result.title, "origin": result.origin,
            "documents": result.documents, "snapshots": result.snapshots, "files": result.files,
            "activity": result.activity, "trusted_now": result.trusted_now, "merged": result.merged,
            "taken": result.taken, "conflicts": result.conflicts}
