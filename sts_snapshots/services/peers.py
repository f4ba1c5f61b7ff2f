"""The other installations this one trusts room packs from: one record per CA certificate, kept by fingerprint.

An admin trusts an installation once (``sts-snapshots room trust FILE``, or ``--trust`` on import); from then on
its packs import without asking, whichever of its signing certificates signed them (they are issued by that CA).
The records live in the users store (installation-wide, like the accounts), in their own table.
"""

from __future__ import annotations

from typing_extensions import TypedDict

from ..domain.time import now_iso
from ..store import DatabaseLike, TableLike


class TrustedPeer(TypedDict):
    id: str  # the CA certificate's SHA-256 fingerprint, hex without colons (a plain id)
    fingerprint: str  # as people are shown it: upper-case hex with colons
    installation_id: str
    subject: str
    trusted_by: str
    trusted_at: str


def peer_key(fingerprint: str) -> str:
    """The record id of a fingerprint.

    >>> peer_key("AB:01:CD")
    'ab01cd'
    """
    return fingerprint.replace(":", "").lower()


class TrustedPeers:
    def __init__(self, db: DatabaseLike) -> None:
        self._db = db
        self._peers: TableLike[TrustedPeer] = db.table("trusted_peers")

    def is_trusted(self, fingerprint: str) -> bool:
        return self._peers.get(peer_key(fingerprint)) is not None

    def trust(self, fingerprint: str, installation_id: str, subject: str, actor: str) -> TrustedPeer:
        """Record the CA ``fingerprint`` as trusted (again: the record is replaced)."""
        peer = TrustedPeer(id=peer_key(fingerprint), fingerprint=fingerprint, installation_id=installation_id,
                           subject=subject, trusted_by=actor, trusted_at=now_iso())
        self._peers.upsert(peer)
        return peer

    def revoke(self, fingerprint: str) -> TrustedPeer | None:
        """Trust the CA ``fingerprint`` no more; the record it had, or None."""
        found = self._peers.get(peer_key(fingerprint))
        if found is not None:
            self._peers.remove(found["id"])
        return found

    def all(self) -> list[TrustedPeer]:
        return self._peers.all()
