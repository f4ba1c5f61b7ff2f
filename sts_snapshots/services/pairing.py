"""Paired installations: the sync tokens this one issued, the peers it syncs with, and when each room last synced.

Three tables in the users store (installation-wide, like the accounts):

- ``sync_tokens``: a token this installation issued in a pairing code, kept as its SHA-256 only; the CA of the
  installation that first used it is bound to it then (a pack it pushes must be signed under that CA). Until
  then it is an *outstanding* code: it expires, and an admin may cancel it;
- ``sync_peers``: an installation this one syncs with, by its URL; the token it issued us is kept in a file of
  the secrets folder (0600), not in a store;
- ``sync_runs``: per (peer, room), the last attempt, its outcome, and when a sync last succeeded.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import NotRequired

from typing_extensions import TypedDict

from ..domain.time import now_iso, parse_moment, utcnow
from ..store import DatabaseLike, TableLike


class SyncToken(TypedDict):
    id: str  # the token's SHA-256 (hex)
    issued_by: str
    issued_at: str
    ca_fingerprint: str  # the CA of the installation that first used it; empty until then
    expires_at: NotRequired[str]  # unused until then, it works no more (older records: issued_at + a day)
    used_at: NotRequired[str]  # when the installation ``used_by`` claimed it (its CA bound)
    used_by: NotRequired[str]
    cancelled_at: NotRequired[str]  # an admin cancelled the code before it was used: the token works no more
    cancelled_by: NotRequired[str]
    revoked_at: NotRequired[str]  # an admin revoked that installation's trust: the token works no more


class SyncPeer(TypedDict):
    id: str  # the peer's installation id
    url: str
    ca_fingerprint: str
    subject: str
    added_by: str
    added_at: str
    confirmed_at: NotRequired[str]  # the peer took our claim of its code (its token bound to our CA)


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


CODE_ID_LENGTH = 12
DEFAULT_VALIDITY = timedelta(hours=24)  # of a code recorded before codes had an expiry


def code_id(token: SyncToken) -> str:
    """How people name an issued code: the start of its token's hash (never the token).

    >>> code_id(SyncToken(id="ab" * 32, issued_by="", issued_at="", ca_fingerprint=""))
    'abababababab'
    """
    return token["id"][:CODE_ID_LENGTH]


def expires_at(token: SyncToken) -> datetime:
    """When the unused code of ``token`` stops working."""
    found = parse_moment(token.get("expires_at"))
    if found is not None:
        return found
    issued = parse_moment(token["issued_at"])
    return (issued or utcnow()) + DEFAULT_VALIDITY


def is_outstanding(token: SyncToken, now: datetime) -> bool:
    """Issued, not used yet, and still usable: neither expired, cancelled nor revoked."""
    return not token["ca_fingerprint"] and not token.get("cancelled_at") and not token.get("revoked_at") \
        and now < expires_at(token)


class Pairings:
    def __init__(self, db: DatabaseLike, secrets: Path) -> None:
        self._db = db
        self._tokens: TableLike[SyncToken] = db.table("sync_tokens")
        self._peers: TableLike[SyncPeer] = db.table("sync_peers")
        self._runs: TableLike[SyncRun] = db.table("sync_runs")
        self._folder = secrets / "peers"

    # -- tokens this installation issued -----------------------------------------------------------
    def issue(self, token: str, actor: str, valid_for: timedelta) -> SyncToken:
        now = utcnow().replace(microsecond=0)
        record = SyncToken(id=token_hash(token), issued_by=actor, issued_at=now.isoformat(), ca_fingerprint="",
                           expires_at=(now + valid_for).isoformat())
        self._tokens.upsert(record)
        return record

    def token(self, token: str) -> SyncToken | None:
        """The issued token ``token`` is, if any (compared by its hash)."""
        wanted = token_hash(token)
        found = self._tokens.get(wanted)
        return found if found is not None and hmac.compare_digest(found["id"], wanted) else None

    def bind(self, token: SyncToken, ca_fingerprint: str, installation: str = "") -> None:
        self._tokens.update(token["id"], {"ca_fingerprint": ca_fingerprint, "used_at": now_iso(),
                                          "used_by": installation})

    def claim(self, token: SyncToken, ca_fingerprint: str, installation: str) -> SyncToken | None:
        """Bind the unused ``token`` to the CA ``ca_fingerprint`` (the check and the write under one lock, so of two
        installations claiming one code only the first wins): the token as it is now; None when another CA has it
        already. A claim by the CA that holds it already is taken again (a peer added once more)."""
        with self._tokens.locked():
            now = self._tokens.get(token["id"])
            if now is None:
                return None
            if now["ca_fingerprint"]:
                same = now["ca_fingerprint"].replace(":", "").lower() == ca_fingerprint.replace(":", "").lower()
                return now if same else None
            self.bind(now, ca_fingerprint, installation)
            return self._tokens.get(token["id"])

    def outstanding(self) -> list[SyncToken]:
        """The codes issued and not used yet that still work, oldest first."""
        now = utcnow()
        return sorted((t for t in self._tokens.all() if is_outstanding(t, now)), key=lambda t: t["issued_at"])

    def cancel(self, ident: str | None, actor: str) -> list[SyncToken]:
        """Cancel the outstanding code ``ident`` (its :func:`code_id`), or every one (None): the cancelled ones."""
        wanted = (ident or "").strip().lower()
        found = [t for t in self.outstanding() if ident is None or code_id(t) == wanted]
        for t in found:
            self._tokens.update(t["id"], {"cancelled_at": now_iso(), "cancelled_by": actor})
        return found

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

    def confirm(self, peer: SyncPeer) -> SyncPeer:
        """Note that ``peer`` took our claim of the code it issued us."""
        confirmed = SyncPeer(**{**peer, "confirmed_at": now_iso()})  # type: ignore[typeddict-item]
        self._peers.upsert(confirmed)
        return confirmed

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
