"""Sync of a room with a paired installation: pull its pack and merge it here, then push ours and it merges there.

Only the peer's recorded URL is contacted, with the token it issued us. Each side leaves out of its pack the
files the other holds already (by SHA-256). Each import is atomic and convergent on its own, so a sync cut
short half way leaves both sides consistent, and running it again completes it. The outcome is recorded per
(peer, room) (:class:`~sts_snapshots.services.pairing.Pairings`).
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ..context import StsApp
from ..domain.urls import API_PREFIX
from ..services.errors import Conflict, Invalid
from ..services.pairing import SyncPeer, SyncRun
from ..services.peers import peer_key
from ..services.users import User
from .claim import TOKEN_HEADER, ClaimRefused, ClaimUnchecked, send_claim
from .export import bundle_of, files_of, write_pack
from .format import MEDIA_TYPE, PackLimits, PackRefused
from .importer import ImportResult, import_pack
from .pairing import pairings
from .reader import open_pack

log = logging.getLogger(__name__)
TIMEOUT = httpx.Timeout(30, read=300)
LEFT_OUT_HEADER = "X-Sts-Left-Out"


class SyncFailed(RuntimeError):
    """The peer could not be reached, or refused: one line saying which."""


@dataclass(frozen=True)
class SyncResult:
    room_id: str
    peer: str  # the peer's installation id
    pulled: ImportResult | None  # None: the peer has no such room
    pushed: dict[str, Any] | None  # the peer's import answer; None: this installation has no such room
    pulled_bytes: int
    pushed_bytes: int
    pulled_left_out: int  # files the peer did not send: this installation held them
    pushed_left_out: int  # files not sent to the peer: it held them
    run: SyncRun | None = None  # as recorded

    def text(self) -> str:
        """What the sync did, in one line."""
        parts = []
        if self.pulled is not None:
            parts.append(f"pulled {self.pulled_bytes} bytes ({self.pulled_left_out} files already here), "
                         f"{self.pulled.taken} fields taken, {self.pulled.conflicts} conflicts")
        if self.pushed is not None:
            parts.append(f"pushed {self.pushed_bytes} bytes ({self.pushed_left_out} files already there), "
                         f"{self.pushed.get('taken', 0)} fields taken there, {self.pushed.get('conflicts', 0)} "
                         "conflicts there")
        return "; ".join(parts) or "nothing to do"


def held_sha256s(sts: StsApp, room_id: str) -> list[str]:
    """The SHA-256 of every file of the room this installation holds (what a peer may leave out of its pack)."""
    if sts.rooms.get(room_id) is None:
        return []
    found = {sha256 for _e, path, sha256, _l in files_of(sts, bundle_of(sts, room_id, snapshots=True))
             if sha256 and path.is_file()}
    return sorted(found)


def peer_at(sts: StsApp, url: str) -> SyncPeer:
    """The paired peer at ``url``. :raises Invalid: no peer is paired there."""
    peer = pairings(sts).peer_at(url)
    if peer is None:
        raise Invalid(f"no installation is paired at {url.rstrip('/')}: pair it first ('sts-snapshots peer add')")
    return peer


def client_for(sts: StsApp, peer: SyncPeer) -> httpx.Client:
    return httpx.Client(base_url=peer["url"] + API_PREFIX, timeout=TIMEOUT, trust_env=False,
                        headers={TOKEN_HEADER: pairings(sts).token_for(peer)})


OLDER_PEER = "the peer does not support sync (older version): update it, or carry room packs by hand"
ROOM_NOT_FOUND = "room not found"  # the detail of the sync API's 404 for a room the peer does not have


def _detail(response: httpx.Response) -> str:
    try:
        found = response.json()
    except ValueError:
        return response.text
    return str(found.get("detail", response.text)) if isinstance(found, dict) else response.text


def _older(response: httpx.Response) -> bool:
    """A 404 that is not the sync API's: the peer's version has no sync endpoint (an unknown path's 404)."""
    return response.status_code == 404 and _detail(response) != ROOM_NOT_FOUND


def _check(response: httpx.Response, what: str) -> None:
    if _older(response):
        raise SyncFailed(OLDER_PEER)
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text
        raise SyncFailed(f"{what}: the peer answered {response.status_code}: {str(detail)[:300]}")


def ensure_claimed(sts: StsApp, peer: SyncPeer, client: httpx.Client) -> SyncPeer:
    """Claim the pairing code of ``peer`` at it, unless it took our claim already (at ``peer add``): the issuer
    answers nothing else to a token not claimed yet.

    :raises SyncFailed: it refused the code, could not be reached, or predates sync.
    """
    if peer.get("confirmed_at"):
        return peer
    try:
        send_claim(client, sts.layout, pairings(sts).token_for(peer), peer["ca_fingerprint"])
    except ClaimRefused as exc:
        raise SyncFailed(f"the peer refused our pairing code: {exc}") from None
    except ClaimUnchecked as exc:
        raise SyncFailed(OLDER_PEER if exc.older else f"the peer cannot be reached to claim the pairing code: {exc}") \
            from None
    return pairings(sts).confirm(peer)


def peer_rooms(client: httpx.Client) -> list[str]:
    try:
        response = client.get("/sync/rooms")
    except httpx.HTTPError as exc:
        raise SyncFailed(f"the peer cannot be reached: {exc}") from None
    _check(response, "listing its rooms")
    return [str(r) for r in response.json()["rooms"]]


def sync_room(sts: StsApp, user: User, peer: SyncPeer, room_id: str, client: httpx.Client) -> SyncResult:
    """Pull the room from ``peer`` and merge it here, then push it there; the outcome recorded either way.

    :raises SyncFailed: the peer could not be reached or refused (what was done so far stays done).
    :raises PackRefused: the peer's pack failed a check here.
    """
    try:
        result = _sync(sts, user, peer, room_id, client)
    except httpx.HTTPError as exc:
        pairings(sts).record_run(peer["id"], room_id, error=f"the peer cannot be reached: {exc}")
        raise SyncFailed(f"the peer cannot be reached: {exc}") from None
    except (SyncFailed, PackRefused) as exc:
        pairings(sts).record_run(peer["id"], room_id, error=str(exc))
        raise
    return result


SYNC_JOB = "peer-sync"
SYNC_USER = User(email="automatic sync", name="the automatic sync", role="admin")  # what the activity log names


def sync_all(sts: StsApp, user: User) -> list[str]:
    """The automatic sync's job: with every paired installation, every room both sides have (a room only one side
    has goes over by a sync asked for by name); one line per room. A peer that cannot be reached, or a room that
    does not sync, is a warning; the next run tries again."""
    done = []
    for peer in pairings(sts).peers():
        try:
            with client_for(sts, peer) as client:
                claimed = ensure_claimed(sts, peer, client)
                for room_id in sorted(set(sts.rooms.room_ids()) & set(peer_rooms(client))):
                    try:
                        done.append(f"room {room_id}: {sync_room(sts, user, claimed, room_id, client).text()}")
                    except (SyncFailed, PackRefused, Conflict) as exc:
                        log.warning("room %s not synced with %s: %s", room_id, peer["url"], exc)
                        done.append(f"room {room_id}: not synced: {exc}")
        except SyncFailed as exc:
            log.warning("no sync with %s: %s", peer["url"], exc)
            done.append(f"{peer['url']}: {exc}")
    return done


def schedule_sync(sts: StsApp, user: User) -> None:
    """Run :func:`sync_all` every ``sync_interval_minutes`` on the app's scheduler (nothing when it is 0)."""
    minutes = sts.settings.sync_interval_minutes
    if minutes:
        sts.scheduler.add_job(sync_all, "interval", args=(sts, user), minutes=minutes, id=SYNC_JOB,
                              replace_existing=True, executor="maintenance", coalesce=True, max_instances=1)


def _sync(sts: StsApp, user: User, peer: SyncPeer, room_id: str, client: httpx.Client) -> SyncResult:
    peer = ensure_claimed(sts, peer, client)
    pulled, pulled_bytes, pulled_left_out = None, 0, 0
    response = client.post(f"/sync/rooms/{room_id}/pack", json={"have": held_sha256s(sts, room_id)})
    if response.status_code != 404 or _older(response):
        _check(response, "sending its pack")
        pulled_bytes, pulled_left_out = len(response.content), int(response.headers.get(LEFT_OUT_HEADER, "0"))
        with tempfile.TemporaryFile() as handle:
            handle.write(response.content)
            handle.seek(0)
            with open_pack(handle, PackLimits.of(sts.settings), partial=True) as pack:
                if peer_key(pack.signer.ca_fingerprint) != peer_key(peer["ca_fingerprint"]):
                    raise SyncFailed(f"the pack from {peer['url']} is not signed by the paired installation's CA")
            handle.seek(0)
            pulled = import_pack(sts, user, handle, partial=True)
    pushed, pushed_bytes, pushed_left_out = None, 0, 0
    if sts.rooms.get(room_id) is not None:
        asked = client.post(f"/sync/rooms/{room_id}/have")
        _check(asked, "telling which files it holds")
        with tempfile.TemporaryDirectory(prefix="sts-sync-") as folder:
            path = Path(folder) / "room.stsroom"
            with path.open("wb") as handle:
                summary = write_pack(sts, user, room_id, handle, snapshots=True,
                                     leave_out=frozenset(asked.json()["have"]))
            pushed_bytes, pushed_left_out = path.stat().st_size, summary.left_out
            with path.open("rb") as handle:
                answer = client.post("/sync/rooms/import", files={"file": ("room.stsroom", handle, MEDIA_TYPE)})
        _check(answer, "merging our pack")
        pushed = answer.json()
    result = SyncResult(room_id=room_id, peer=peer["id"], pulled=pulled, pushed=pushed, pulled_bytes=pulled_bytes,
                        pushed_bytes=pushed_bytes, pulled_left_out=pulled_left_out, pushed_left_out=pushed_left_out)
    return dataclasses.replace(result, run=pairings(sts).record_run(peer["id"], room_id, summary=result.text()))
