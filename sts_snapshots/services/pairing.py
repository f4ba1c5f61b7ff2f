"""Paired installations: the sync tokens this one issued, the peers it syncs with, and when each room last synced.

Three tables in the users store (installation-wide, like the accounts):

- ``sync_tokens``: a token this installation issued in a pairing code, kept as its SHA-256 only; the CA of the
  installation that first used it is bound to it then (a pack it pushes must be signed under that CA);
- ``sync_peers``: an installation this one syncs with, by its URL; the token it issued us is kept in a file of
  the secrets folder (0600), not in a store;
- ``sync_runs``: per (peer, room), the last attempt, its outcome, and when a sync last succeeded.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
from typing import NotRequired

from typing_extensions import TypedDict

from ..domain.time import now_iso
from ..store import DatabaseLike, TableLike


class SyncToken(TypedDict):
    id: str  # the token's SHA-256 (hex)
    issued_by: str
    issued_at: str
    ca_fingerprint: str  # the CA of the installation that first used it; empty until then
    revoked_at: NotRequired[str]  # an admin revoked that installation's trust: the token works no more


class SyncPeer(TypedDict):
    id: str  # the peer's installation id
    url: str
    ca_fingerprint: str
    subject: str
    added_by: str
    added_at: str


class SyncRun(TypedDict):
    id: str  # <peer installation id>:<room id>
    peer: str
    room_id: str
    attempted_at: str
    succeeded_at: str | None
    error: str  # empty after a success
    summary: str  # what the last successful sync did, in words


def token_hash(token: str) -> str:
    """What is stored of a sync token.

    >>> token_hash("abc")[:12]
    'ba7816bf8f01'
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Pairings:
    def __init__(self, db: DatabaseLike, secrets: Path) -> None:
        self._db = db
        self._tokens: TableLike[SyncToken] = db.table("sync_tokens")
        self._peers: TableLike[SyncPeer] = db.table("sync_peers")
        self._runs: TableLike[SyncRun] = db.table("sync_runs")
        self._folder = secrets / "peers"

    # -- tokens this installation issued -----------------------------------------------------------
    def issue(self, token: str, actor: str) -> None:
        self._tokens.upsert(SyncToken(id=token_hash(token), issued_by=actor, issued_at=now_iso(), ca_fingerprint=""))

    def token(self, token: str) -> SyncToken | None:
        """The issued token ``token`` is, if any (compared by its hash)."""
        wanted = token_hash(token)
        found = self._tokens.get(wanted)
        return found if found is not None and hmac.compare_digest(found["id"], wanted) else None

    def bind(self, token: SyncToken, ca_fingerprint: str) -> None:
        self._tokens.update(token["id"], {"ca_fingerprint": ca_fingerprint})

    def revoke(self, ca_fingerprint: str, key: str) -> tuple[int, list[SyncPeer]]:
        """Revoke the tokens bound to the CA ``ca_fingerprint`` (kept, marked, so a request with one is told why)
        and forget the peers under that CA or of installation id ``key`` with the tokens they issued us: (tokens
        revoked, peers forgotten)."""
        wanted = ca_fingerprint.replace(":", "").lower()
        tokens = [t for t in self._tokens.all()
                  if t["ca_fingerprint"] and t["ca_fingerprint"].replace(":", "").lower() == wanted]
        for t in tokens:
            self._tokens.update(t["id"], {"revoked_at": now_iso()})
        gone = [p for p in self._peers.all()
                if p["id"] == key or p["ca_fingerprint"].replace(":", "").lower() == wanted]
        for p in gone:
            self._peers.remove(p["id"])
            self._token_file(p["id"]).unlink(missing_ok=True)
        return len(tokens), gone

    # -- peers this installation syncs with --------------------------------------------------------
    def add_peer(self, peer: SyncPeer, token: str) -> None:
        """Record ``peer`` and keep the token it issued us (0600, in the secrets folder)."""
        self._folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self._folder, 0o700)
        path = self._token_file(peer["id"])
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(token)
        os.chmod(path, 0o600)
        self._peers.upsert(peer)

    def peers(self) -> list[SyncPeer]:
        return sorted(self._peers.all(), key=lambda p: p["added_at"])

    def peer_at(self, url: str) -> SyncPeer | None:
        wanted = url.rstrip("/")
        return next((p for p in self._peers.all() if p["url"] == wanted), None)

    def token_for(self, peer: SyncPeer) -> str:
        return self._token_file(peer["id"]).read_text().strip()

    def _token_file(self, installation: str) -> Path:
        return self._folder / f"{installation}.token"

    # -- when each room last synced ----------------------------------------------------------------
    def record_run(self, peer: str, room_id: str, error: str = "", summary: str = "") -> SyncRun:
        key = f"{peer}:{room_id}"
        before = self._runs.get(key)
        now = now_iso()
        run = SyncRun(id=key, peer=peer, room_id=room_id, attempted_at=now,
                      succeeded_at=(before["succeeded_at"] if before else None) if error else now, error=error,
                      summary=(before["summary"] if before else "") if error else summary)
        self._runs.upsert(run)
        return run

    def runs_of(self, room_id: str) -> list[SyncRun]:
        return [r for r in self._runs.find(room_id=room_id)]
