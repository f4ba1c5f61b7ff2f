"""``/api/v1/rooms/{room_id}/documents``: list, upload a version, download, review."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse

from ..domain.models import EFFECTIVE_STATUSES
from ..domain.records import DocumentView
from ..services.files import document_file
from .deps import CurrentUser, DocId, RoomId, Sts
from .schemas import DocumentReview

router = APIRouter(prefix="/rooms/{room_id}/documents", tags=["documents"])
uploads = APIRouter(prefix=router.prefix, tags=router.tags)  # its own router: included with the upload body limit
CHUNK = 1024 * 1024


@router.get("")
def list_documents(sts: Sts, user: CurrentUser, room_id: RoomId,
                   status: Annotated[str | None, Query(description=" / ".join(EFFECTIVE_STATUSES))] = None,
                   ) -> list[DocumentView]:
    if status is not None and status not in EFFECTIVE_STATUSES:
        raise HTTPException(422, f"status must be one of {', '.join(EFFECTIVE_STATUSES)}")
    return sts.documents.list(user, room_id, status)


@uploads.put("/{doc_id}/file")
async def upload(sts: Sts, user: CurrentUser, room_id: RoomId, doc_id: DocId, request: Request,
                 file: Annotated[UploadFile, File(description="the new version")]) -> DocumentView:
    limit = sts.settings.max_upload_mb * 1024 * 1024
    sts.rooms.room(user, room_id)
    sts.rooms.document(room_id, doc_id)
    chunks, size = [], 0
    while chunk := await file.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"file is larger than the {sts.settings.max_upload_mb} MB limit")
        chunks.append(chunk)
    from nicegui import run

    data = b"".join(chunks)
    name = file.filename or "upload"
    result = await run.io_bound(lambda: sts.documents.upload(user, room_id, doc_id, name, data, file.content_type))
    if result is None:  # NiceGUI's io_bound gives None once the server is stopping
        raise HTTPException(503, "the server is stopping; upload again when it is back")
    return result


@router.get("/{doc_id}/file", response_class=FileResponse)
def download(sts: Sts, user: CurrentUser, room_id: RoomId, doc_id: DocId) -> FileResponse:
    path, version = sts.documents.latest_file(user, room_id, doc_id)
    return document_file(path, version)


@router.patch("/{doc_id}")
def review(sts: Sts, user: CurrentUser, room_id: RoomId, doc_id: DocId, body: DocumentReview) -> DocumentView:
    return sts.documents.review(user, room_id, doc_id, body.model_dump(exclude_unset=True))
