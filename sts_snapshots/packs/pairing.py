"""Pairing two installations once, by their admins: a pairing code made on one, added as a peer on the other.

The code holds what does not depend on a URL: the issuing installation's id, its CA's fingerprint and subject,
and a fresh random sync token, of which the issuer keeps only the SHA-256. The installation that adds it trusts
that CA (as ``room trust`` does), records the peer at the URL its admin gives, and keeps the token (0600).
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass

from ..context import StsApp
from ..datadir.installation import installation_id
from ..domain.time import now_iso
from ..services.errors import Forbidden, Invalid, NotFound
from ..services.pairing import Pairings, SyncPeer, SyncToken
from ..services.peers import TrustedPeer, TrustedPeers
from ..services.users import User
from ..signing import load_identity

CODE_PREFIX = "sts-pair-1:"
TOKEN_HEADER = "X-Sts-Sync-Token"


@dataclass(frozen=True)
class PairingCode:
    installation_id: str
    ca_fingerprint: str
    ca_subject: str
    token: str

    def text(self) -> str:
        """The code as an admin carries it: one line.

        >>> code = PairingCode("i1", "AB:CD", "CN=x", "t" * 43)
        >>> read_code(code.text()) == code
        True
        """
        body = json.dumps({"installation_id": self.installation_id, "ca_fingerprint": self.ca_fingerprint,
                           "ca_subject": self.ca_subject, "token": self.token}, sort_keys=True).encode("utf-8")
        return CODE_PREFIX + base64.urlsafe_b64encode(body).decode("ascii")


def read_code(text: str) -> PairingCode:
    """A pairing code from its text. :raises Invalid: it is not one."""
    text = text.strip()
    if not text.startswith(CODE_PREFIX):
        raise Invalid("not a pairing code (it starts with 'sts-pair-1:'): make one with 'sts-snapshots peer pair-code'")
    try:
        data = json.loads(base64.urlsafe_b64decode(text.removeprefix(CODE_PREFIX).encode("ascii")))
        code = PairingCode(**{k: str(data[k]) for k in ("installation_id", "ca_fingerprint", "ca_subject", "token")})
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise Invalid("the pairing code is damaged: copy it again, whole") from None
    if not all((code.installation_id, code.ca_fingerprint, len(code.token) >= 32)):
        raise Invalid("the pairing code is damaged: copy it again, whole")
    return code


def pairings(sts: StsApp) -> Pairings:
    return Pairings(sts.stores.users, sts.layout.secrets)


def _admin(user: User, what: str) -> None:
    if not user.is_admin:
        raise Forbidden(f"only an admin may {what}")


def make_code(sts: StsApp, user: User) -> PairingCode:
    """A fresh pairing code of this installation; only the token's hash is kept here."""
    _admin(user, "pair installations")
    ca = load_identity(sts.layout).ca_info
    token = secrets.token_urlsafe(32)
    pairings(sts).issue(token, user.email or "sts-snapshots (command line)")
    return PairingCode(installation_id=installation_id(sts.layout), ca_fingerprint=ca.fingerprint,
                       ca_subject=ca.subject, token=token)


def add_peer(sts: StsApp, user: User, url: str, code_text: str) -> SyncPeer:
    """Record the installation of the pairing code as a peer at ``url`` and trust its CA.

    :raises Invalid: the code is not one, the URL is not http(s), or the code is this installation's own.
    """
    _admin(user, "pair installations")
    code = read_code(code_text)
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise Invalid("the peer's URL starts with http:// or https://")
    if code.installation_id == installation_id(sts.layout):
        raise Invalid("this pairing code is this installation's own: add it on the other installation")
    actor = user.email or "sts-snapshots (command line)"
    TrustedPeers(sts.stores.users).trust(code.ca_fingerprint, code.installation_id, code.ca_subject, actor)
    peer = SyncPeer(id=code.installation_id, url=url, ca_fingerprint=code.ca_fingerprint, subject=code.ca_subject,
                    added_by=actor, added_at=now_iso())
    pairings(sts).add_peer(peer, code.token)
    return peer


def peer_token(sts: StsApp, token: str | None) -> SyncToken | None:
    """The issued token a request carries, if it is one of ours."""
    return pairings(sts).token(token) if token else None


def peer_user(token: SyncToken) -> User:
    """Who a paired installation's request acts as here (what the activity log names)."""
    return User(email=f"paired installation ({token['id'][:8]})", name="a paired installation", role="admin")


@dataclass(frozen=True)
class Revoked:
    installation_id: str
    fingerprint: str
    tokens: int  # sync tokens it held that work no more
    peers: int  # peer records (and the tokens it issued us) forgotten


def trusted(sts: StsApp, user: User) -> list[TrustedPeer]:
    """The installations whose packs this one takes (their CAs), oldest first."""
    _admin(user, "see the trusted installations")
    return sorted(TrustedPeers(sts.stores.users).all(), key=lambda p: p["trusted_at"])


def revoke(sts: StsApp, user: User, ident: str) -> Revoked:
    """Trust the installation ``ident`` (its installation id, or its CA fingerprint) no more: its packs are refused
    as from an unknown installation, the sync tokens it holds answer 403, and this one syncs with it no more.

    :raises NotFound: no trusted installation has that id or fingerprint.
    """
    _admin(user, "revoke a trusted installation")
    wanted = ident.strip()
    found = next((p for p in TrustedPeers(sts.stores.users).all()
                  if wanted in (p["installation_id"], p["id"], p["fingerprint"])), None)
    if found is None:
        raise NotFound(f"no trusted installation {wanted[:80]}: 'sts-snapshots peer list' shows them")
    TrustedPeers(sts.stores.users).revoke(found["fingerprint"])
    tokens, gone = pairings(sts).revoke(found["fingerprint"], found["installation_id"])
    return Revoked(installation_id=found["installation_id"], fingerprint=found["fingerprint"], tokens=tokens,
                   peers=len(gone))
