"""Sync between paired installations (``sts_snapshots.packs.sync``).

``/api/v1/sync/...``: what a paired installation asks of this one, authenticated by the sync token this one
issued it (header ``X-Sts-Sync-Token``; none: 401, not ours, revoked, cancelled or expired unused: 403); a token
whose pairing code was not claimed yet (``/sync/pair``) gets nothing else. ``/api/v1/peers`` (and
``/api/v1/peers/trusted``: list, revoke; ``/api/v1/peers/codes``: the unused pairing codes, cancel) and
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

from ..datadir.installation import installation_id
from ..domain.time import utcnow
from ..packs import PackLimits, PackRefused, import_pack
from ..packs.claim import TOKEN_HEADER, read_claim
from ..packs.export import write_pack
from ..packs.pairing import (
    add_peer,
    cancel_codes,
    make_code,
    outstanding_codes,
    pairings,
    peer_token,
    peer_user,
    refusal,
    revoke,
    trusted,
)
from ..packs.reader import open_pack
from ..packs.sync import LEFT_OUT_HEADER, ROOM_NOT_FOUND, SyncFailed, client_for, held_sha256s, sync_room
from ..services.errors import Invalid, NotFound
from ..services.pairing import SyncToken
from ..services.peers import peer_key
from ..signing import load_identity
from .deps import AdminUser, RoomId, Sts

peer_router = APIRouter(prefix="/sync", tags=["sync"])  # included with the pack body limit
router = APIRouter(tags=["sync"])
SYNC_IMPORT_PATH = "/sync/rooms/import"


def get_issued_token(sts: Sts, token: Annotated[str | None, Header(alias=TOKEN_HEADER)] = None) -> SyncToken:
    """The sync token of the request, if it still works (its code may not be claimed yet)."""
    if not token:
        raise HTTPException(401, f"not a paired installation: send its sync token in the {TOKEN_HEADER} header")
    found = peer_token(sts, token)
    refused = refusal(found, utcnow())
    if refused is not None or found is None:
        raise HTTPException(403, refused)
    return found


def get_sync_token(found: Annotated[SyncToken, Depends(get_issued_token)]) -> SyncToken:
    if not found["ca_fingerprint"]:
        raise HTTPException(403, "this pairing code was not claimed yet: the installation holding it claims it with "
                                 "'sts-snapshots peer add' (or its first sync)")
    return found


IssuedToken = Annotated[SyncToken, Depends(get_issued_token)]
PeerToken = Annotated[SyncToken, Depends(get_sync_token)]
CodeId = Annotated[str, PathParam(max_length=64, pattern=r"^[0-9a-f]{1,64}$", description="a pairing code's id")]
TrustedIdent = Annotated[str, PathParam(max_length=200, pattern=r"^[0-9A-Fa-f:]{1,200}$",
                                        description="installation id or CA fingerprint")]


class Have(BaseModel):
    have: list[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] = Field(default_factory=list, max_length=50_000)


class ClaimIn(BaseModel):
    claim: str = Field(max_length=4000)
    signature: str = Field(max_length=1000)
    installation: dict[str, str]


@peer_router.post("/pair")
def peer_claim(sts: Sts, token: IssuedToken, body: ClaimIn) -> dict[str, str]:
    """The installation holding a pairing code claims it, signed by its key: the code's token is bound to that
    installation's CA (a code pairs one installation; another one's claim is refused, 403)."""
    try:
        signer = read_claim(token, body.model_dump())
    except Invalid as exc:
        raise HTTPException(422, str(exc)) from None
    taken = pairings(sts).claim(token, signer.ca_fingerprint, signer.installation_id)
    if taken is None:
        raise HTTPException(403, f"this pairing code was used already, by installation {token.get('used_by') or '?'}"
                                 ": a code pairs one installation; ask this installation's admin for a new one")
    ca = load_identity(sts.layout).ca_info
    return {"installation_id": installation_id(sts.layout), "ca_fingerprint": ca.fingerprint}


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
    """Merge the paired installation's pack (which may leave out files this one holds). It must be signed under
    the CA that claimed the token's pairing code: a pack signed under another one is refused (403)."""
    try:
        with open_pack(file.file, PackLimits.of(sts.settings), partial=True) as pack:
            signer = peer_key(pack.signer.ca_fingerprint)
        if peer_key(token["ca_fingerprint"]) != signer:
            raise HTTPException(403, "the pack is signed by another installation than the one paired with this token")
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
    """Claim a pairing code at the installation at ``url``, record it as a peer there (and trust its CA). 403: that
    installation refused the code (cancelled, expired, used); ``note`` non-empty: it could not be asked now, the code
    is claimed at the first sync."""
    added = add_peer(sts, user, body.url, body.code)
    return {**added.peer, "note": added.note}


@router.get("/peers/codes")
def codes_list(sts: Sts, user: AdminUser) -> list[dict[str, Any]]:
    """The pairing codes this installation issued that no installation used yet and that still work: when each
    was issued, by whom, when it expires (never the token)."""
    return [dataclasses.asdict(c) for c in outstanding_codes(sts, user)]


@router.delete("/peers/codes")
def codes_cancel_all(sts: Sts, user: AdminUser) -> dict[str, Any]:
    """Cancel every outstanding pairing code."""
    return {"cancelled": [dataclasses.asdict(c) for c in cancel_codes(sts, user, None)]}


@router.delete("/peers/codes/{code_id}")
def codes_cancel(sts: Sts, user: AdminUser, code_id: CodeId) -> dict[str, Any]:
    """Cancel one outstanding pairing code: an installation that tries it is refused (403)."""
    return {"cancelled": [dataclasses.asdict(c) for c in cancel_codes(sts, user, code_id)]}


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
