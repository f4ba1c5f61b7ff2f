"""File downloads for the signed-in browser: the cookie session instead of the REST API's bearer token.

``app.storage.user`` works in a plain FastAPI route: NiceGUI's request-tracking middleware puts every
request (pages or not) into the context variable the storage reads. The pages link here through
:func:`snapshot_url` and :func:`document_file_url`, so each route's path is written once.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Path, Request
from fastapi.responses import FileResponse

from ...context import StsApp
from ...domain.ids import ID_PATTERN
from ...services.errors import Conflict, NotFound
from ...services.files import document_file, snapshot_file
from ...services.users import User
from ..shell import session, threads

SNAPSHOT_FILES = "/ui/files/snapshots"
DOCUMENT_FILES = "/ui/files/documents"
ID = Annotated[str, Path(pattern=ID_PATTERN)]


def snapshot_url(room_id: str, snapshot_id: str, inline: bool = False, file_name: str = "") -> str:
    """The link that downloads (or, ``inline``, shows) a snapshot's PDF. With ``file_name`` the path ends in it: a
    native window's save dialog proposes the URL's last segment and ignores Content-Disposition.

    >>> snapshot_url("r1", "s1"), snapshot_url("r1", "s1", inline=True)
    ('/ui/files/snapshots/r1/s1', '/ui/files/snapshots/r1/s1?inline=1')
    >>> snapshot_url("r1", "s1", file_name="MT_Ørsted_-_2026-12-02.pdf")
    '/ui/files/snapshots/r1/s1/MT_%C3%98rsted_-_2026-12-02.pdf'
    """
    named = f"/{quote(file_name, safe='')}" if file_name else ""
    return f"{SNAPSHOT_FILES}/{room_id}/{snapshot_id}{named}" + ("?inline=1" if inline else "")


def document_file_url(room_id: str, doc_id: str, inline: bool = False) -> str:
    """The link to a document's latest uploaded file.

    >>> document_file_url("r1", "d1", inline=True)
    '/ui/files/documents/r1/d1?inline=1'
    """
    return f"{DOCUMENT_FILES}/{room_id}/{doc_id}" + ("?inline=1" if inline else "")


def register_files(app: FastAPI, sts: StsApp) -> None:
    async def signed_in() -> User:
        user = await session.current_user(sts)
        if user is None:
            raise HTTPException(401, "sign in first")
        return user

    @app.get(SNAPSHOT_FILES + "/{room_id}/{snapshot_id}", include_in_schema=False)
    @app.get(SNAPSHOT_FILES + "/{room_id}/{snapshot_id}/{file_name}", include_in_schema=False)
    async def snapshot_download(request: Request, room_id: ID, snapshot_id: ID, inline: bool = False,
                                file_name: str = "") -> FileResponse:
        """``file_name`` is only for the URL's look (see :func:`snapshot_url`); the header names the file."""
        user = await signed_in()
        try:
            path, record = await threads.io(sts.snapshots.download, user, room_id, snapshot_id)
        except NotFound:
            raise HTTPException(404, "snapshot not found") from None
        except Conflict as exc:
            raise HTTPException(409, str(exc)) from None
        room = sts.rooms.get(room_id)
        return snapshot_file(path, record, inline=inline, room_title=room["title"] if room else "")

    @app.get(DOCUMENT_FILES + "/{room_id}/{doc_id}", include_in_schema=False)
    async def document_download(request: Request, room_id: ID, doc_id: ID, inline: bool = False) -> FileResponse:
        user = await signed_in()
        try:
            path, version = await threads.io(sts.documents.latest_file, user, room_id, doc_id)
        except NotFound:
            raise HTTPException(404, "document not found") from None
        return document_file(path, version, inline=inline)
