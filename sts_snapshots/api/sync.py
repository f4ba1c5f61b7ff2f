"""Sync between paired installations (``sts_snapshots.packs.sync``).

``/api/v1/sync/...``: what a paired installation asks of this one, authenticated by the sync token this one
issued it (header ``X-Sts-Sync-Token``; none: 401, not ours or revoked: 403). ``/api/v1/peers`` (and
``/api/v1/peers/trusted``: list, revoke) and
``/api/v1/rooms/{id}/sync``: pairing and syncing, for admins.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Header, HTTPException, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from ..packs import PackLimits, PackRefused, import_pack
from ..packs.export import write_pack
from ..packs.pairing import TOKEN_HEADER, add_peer, make_code, pairings, peer_token, peer_user, revoke, trusted
from ..packs.reader import open_pack
from ..packs.sync import LEFT_OUT_HEADER, ROOM_NOT_FOUND, SyncFailed, client_for, held_sha256s, sync_room
from ..services.errors import NotFound
from ..services.pairing import SyncToken
from ..services.peers import peer_key
from .deps import AdminUser, RoomId, Sts

peer_router = APIRouter(prefix="/sync", tags=["sync"])  # included with the pack body limit
router = APIRouter(tags=["sync"])
SYNC_IMPORT_PATH = "/sync/rooms/import"


def get_sync_token(sts: Sts, token: Annotated[str | None, Header(alias=TOKEN_HEADER)] = None) -> SyncToken:
    if not token:
        raise HTTPException(401, f"not a paired installation: send its sync token in the {TOKEN_HEADER} header")
    found = peer_token(sts, token)
    if found is None:
        raise HTTPException(403, "this sync token was not issued by this installation: pair the installations again")
    if found.get("revoked_at"):
        raise HTTPException(403, f"an admin of this installation revoked the trust of yours ({found['revoked_at']}): "
                                 "ask them to trust it and pair again")
    return found


PeerToken = Annotated[SyncToken, Depends(get_sync_token)]
TrustedIdent = Annotated[str, PathParam(max_length=200, pattern=r"^[0-9A-Fa-f:]{1,200}$",
                                        description="installation id or CA fingerprint")]


class Have(BaseModel):
    have: list[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] = Field(default_factory=list, max_length=50_000)


@peer_router.get("/rooms")
def peer_rooms(sts: Sts, _token: PeerToken) -> dict[str, list[str]]:
    """The ids of the rooms this installation has."""
    return {"rooms": sts.rooms.room_ids()}


@peer_router.post("/rooms/{room_id}/have")
def peer_have(sts: Sts, _token: PeerToken, room_id: RoomId) -> dict[str, list[str]]:
    """The SHA-256 of every file of the room this installation holds (empty: it has no such room)."""
    return {"have": held_sha256s(sts, room_id)}


@peer_router.post("/rooms/{room_id}/pack", response_class=FileResponse)
def peer_pack(sts: Sts, token: PeerToken, room_id: RoomId, body: Have) -> FileResponse:
    """The room's pack, leaving out the files whose SHA-256 the caller says it holds."""
    if sts.rooms.get(room_id) is None:
        raise NotFound(ROOM_NOT_FOUND)
    handle, name = tempfile.mkstemp(prefix="sts-sync-", suffix=".stsroom")
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as target:
            summary = write_pack(sts, peer_user(token), room_id, target, snapshots=True, leave_out=frozenset(body.have))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FileResponse(path, media_type="application/zip", background=BackgroundTask(path.unlink, missing_ok=True),
                        headers={LEFT_OUT_HEADER: str(summary.left_out), "Cache-Control": "private, no-store"})


@peer_router.post(SYNC_IMPORT_PATH.removeprefix(peer_router.prefix))
def peer_import(sts: Sts, token: PeerToken, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """Merge the paired installation's pack (which may leave out files this one holds). The CA that signs its first
    pack is bound to the token: a pack signed under another one is refused (403)."""
    try:
        with open_pack(file.file, PackLimits.of(sts.settings), partial=True) as pack:
            signer = peer_key(pack.signer.ca_fingerprint)
        if token["ca_fingerprint"] and peer_key(token["ca_fingerprint"]) != signer:
            raise HTTPException(403, "the pack is signed by another installation than the one paired with this token")
        if not token["ca_fingerprint"]:
            pairings(sts).bind(token, pack.signer.ca_fingerprint)
        file.file.seek(0)
        result = import_pack(sts, peer_user(token), file.file, trust=True, partial=True)
    except PackRefused as exc:
        raise HTTPException(422, f"room pack refused: {exc}") from None
    return {"room_id": result.room_id, "merged": result.merged, "taken": result.taken, "conflicts": result.conflicts,
            "files": result.files}


# -- for admins ----------------------------------------------------------------------------------------
class AddPeer(BaseModel):
    url: str = Field(max_length=2000)
    code: str = Field(max_length=10_000)


class SyncWith(BaseModel):
    peer: str | None = Field(default=None, max_length=2000, description="the peer's URL; default: the only one")


@router.post("/peers/pair-code", status_code=201)
def pair_code(sts: Sts, user: AdminUser) -> dict[str, str]:
    """A fresh pairing code of this installation, to add on the other one (shown once: only its hash is kept)."""
    return {"code": make_code(sts, user).text()}


@router.post("/peers", status_code=201)
def peer_add(sts: Sts, user: AdminUser, body: AddPeer) -> dict[str, Any]:
    """Record the installation of a pairing code as a peer at ``url`` (and trust its CA)."""
    return dict(add_peer(sts, user, body.url, body.code))


@router.get("/peers")
def peer_list(sts: Sts, _user: AdminUser) -> list[dict[str, Any]]:
    return [dict(p) for p in pairings(sts).peers()]


@router.get("/peers/trusted")
def trusted_list(sts: Sts, user: AdminUser) -> list[dict[str, Any]]:
    """The installations whose room packs this one takes (by their CA), each with who trusted it and when."""
    return [dict(p) for p in trusted(sts, user)]


@router.delete("/peers/trusted/{ident}")
def trusted_revoke(sts: Sts, user: AdminUser, ident: TrustedIdent) -> dict[str, Any]:
    """Trust an installation (installation id or CA fingerprint) no more: its packs are refused, its sync tokens
    answer 403, and this installation syncs with it no more."""
    return dataclasses.asdict(revoke(sts, user, ident))


@router.post("/rooms/{room_id}/sync")
def room_sync(sts: Sts, user: AdminUser, room_id: RoomId, body: SyncWith | None = None) -> dict[str, Any]:
    """Sync the room with a paired installation now: pull and merge its pack, push ours (502: the peer could not
    be reached or refused; what was done so far stays done, and a rerun completes it)."""
    found = pairings(sts).peers()
    url = body.peer if body and body.peer else None
    peers = [p for p in found if url is None or p["url"] == url.rstrip("/")]
    if len(peers) != 1:
        raise HTTPException(409 if peers else 404, "name the peer to sync with" if peers else "no such paired peer")
    try:
        with client_for(sts, peers[0]) as client:
            result = sync_room(sts, user, peers[0], room_id, client)
    except SyncFailed as exc:
        raise HTTPException(502, str(exc)) from None
    except PackRefused as exc:
        raise HTTPException(422, f"the peer's pack was refused: {exc}") from None
    return {"room_id": room_id, "peer": result.peer, "text": result.text(), "pulled_bytes": result.pulled_bytes,
            "pushed_bytes": result.pushed_bytes, "pulled_left_out": result.pulled_left_out,
            "pushed_left_out": result.pushed_left_out, "pulled_conflicts": result.pulled.conflicts if result.pulled
            else 0, "pushed": result.pushed, "run": result.run}


@router.get("/rooms/{room_id}/sync")
def room_sync_status(sts: Sts, _user: AdminUser, room_id: RoomId) -> dict[str, Any]:
    """Per paired peer: when the room last synced, the last attempt and its error."""
    return {"runs": pairings(sts).runs_of(room_id)}
