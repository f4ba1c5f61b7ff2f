"""File downloads for the signed-in browser: the cookie session instead of the REST API's bearer token.

``app.storage.user`` works in a plain FastAPI route: NiceGUI's request-tracking middleware puts every
request (pages or not) into the context variable the storage reads.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, HTTPException, Path, Request
from fastapi.responses import FileResponse

from ..app import StsApp
from ..domain.ids import ID_PATTERN
from ..services.errors import Conflict, NotFound
from ..services.files import document_file, snapshot_file
from . import session, threads

ID = Annotated[str, Path(pattern=ID_PATTERN)]


def register_files(app: FastAPI, sts: StsApp) -> None:
    async def signed_in(request: Request):  # type: ignore[no-untyped-def]
        user = await session.current_user(sts)
        if user is None:
            raise HTTPException(401, "sign in first")
        return user

    @app.get("/ui/files/snapshots/{room_id}/{snapshot_id}", include_in_schema=False)
    async def snapshot_download(request: Request, room_id: ID, snapshot_id: ID, inline: bool = False) -> FileResponse:
        user = await signed_in(request)
        try:
            path, record = await threads.io(sts.snapshots.download, user, room_id, snapshot_id)
        except NotFound:
            raise HTTPException(404, "snapshot not found") from None
        except Conflict as exc:
            raise HTTPException(409, str(exc)) from None
        return snapshot_file(path, record, inline=inline)

    @app.get("/ui/files/documents/{room_id}/{doc_id}", include_in_schema=False)
    async def document_download(request: Request, room_id: ID, doc_id: ID, inline: bool = False) -> FileResponse:
        user = await signed_in(request)
        try:
            path, version = await threads.io(sts.documents.latest_file, user, room_id, doc_id)
        except NotFound:
            raise HTTPException(404, "document not found") from None
        return document_file(path, version, inline=inline)
