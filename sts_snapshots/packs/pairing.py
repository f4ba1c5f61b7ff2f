"""Pairing two installations once, by their admins: a pairing code made on one, added as a peer on the other.

The code holds what does not depend on a URL: the issuing installation's id, its CA's fingerprint and subject,
and a fresh random sync token, of which the issuer keeps only the SHA-256. The installation that adds it trusts
that CA (as ``room trust`` does), claims the code at the issuer (:mod:`.claim`), records the peer at the URL its
admin gives, and keeps the token (0600). A code not claimed within ``pairing_code_hours`` expires; an admin lists
the outstanding ones and cancels one or all.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from ..context import StsApp
from ..datadir.installation import installation_id
from ..domain.time import now_iso
from ..domain.urls import API_PREFIX
from ..services.errors import Forbidden, Invalid, NotFound
from ..services.pairing import Pairings, SyncPeer, SyncToken, code_id, expires_at
from ..services.peers import TrustedPeer, TrustedPeers
from ..services.users import User
from ..signing import load_identity
from .claim import CLAIM_TIMEOUT, ClaimRefused, ClaimUnchecked, send_claim

CODE_PREFIX = "sts-pair-1:"
CLI_ACTOR = "sts-snapshots (command line)"


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


def make_code(sts: StsApp, user: User, valid_for: timedelta | None = None) -> PairingCode:
    """A fresh pairing code of this installation, usable for ``valid_for`` (default: ``pairing_code_hours``); only
    the token's hash is kept here."""
    _admin(user, "pair installations")
    ca = load_identity(sts.layout).ca_info
    token = secrets.token_urlsafe(32)
    hours = timedelta(hours=sts.settings.pairing_code_hours)
    pairings(sts).issue(token, user.email or CLI_ACTOR, hours if valid_for is None else valid_for)
    return PairingCode(installation_id=installation_id(sts.layout), ca_fingerprint=ca.fingerprint,
                       ca_subject=ca.subject, token=token)


@dataclass(frozen=True)
class Added:
    peer: SyncPeer
    note: str  # empty: the issuer took the claim of the code; else why it is to be checked at the first sync


def add_peer(sts: StsApp, user: User, url: str, code_text: str) -> Added:
    """Claim the pairing code at the installation at ``url``, then record it as a peer there and trust its CA.
    When that installation cannot be reached now, the peer is recorded all the same and the claim is made at the
    first sync (the ``note`` says so).

    :raises Invalid: the code is not one, the URL is not http(s), or the code is this installation's own.
    :raises Forbidden: the installation refused the code (cancelled, expired, used already): nothing is recorded.
    """
    _admin(user, "pair installations")
    code = read_code(code_text)
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise Invalid("the peer's URL starts with http:// or https://")
    if code.installation_id == installation_id(sts.layout):
        raise Invalid("this pairing code is this installation's own: add it on the other installation")
    note = ""
    try:
        with httpx.Client(base_url=url + API_PREFIX, timeout=CLAIM_TIMEOUT, trust_env=False) as client:
            send_claim(client, sts.layout, code.token, code.ca_fingerprint)
    except ClaimRefused as exc:
        raise Forbidden(f"the installation at {url} refused the pairing code: {exc}") from None
    except ClaimUnchecked as exc:
        note = f"the installation at {url} was not asked ({exc}): the code is claimed at the first sync"
    actor = user.email or CLI_ACTOR
    TrustedPeers(sts.stores.users).trust(code.ca_fingerprint, code.installation_id, code.ca_subject, actor)
    peer = SyncPeer(id=code.installation_id, url=url, ca_fingerprint=code.ca_fingerprint, subject=code.ca_subject,
                    added_by=actor, added_at=now_iso())
    if not note:
        peer["confirmed_at"] = peer["added_at"]
    pairings(sts).add_peer(peer, code.token)
    return Added(peer=peer, note=note)


def refusal(token: SyncToken | None, now: datetime) -> str | None:
    """Why a sync token a request carries does not work here (None: it does); a used one works until revoked."""
    if token is None:
        return "this sync token was not issued by this installation: pair the installations again"
    if token.get("revoked_at"):
        return (f"an admin of this installation revoked the trust of yours ({token['revoked_at']}): ask them to "
                "trust it and pair again")
    if token["ca_fingerprint"]:
        return None
    if token.get("cancelled_at"):
        return (f"this pairing code was cancelled by {token.get('cancelled_by') or 'an admin'} at "
                f"{token['cancelled_at']}: ask this installation's admin for a new one ('sts-snapshots peer "
                "pair-code')")
    if now >= expires_at(token):
        return (f"this pairing code expired unused at {expires_at(token).isoformat()}: ask this installation's "
                "admin for a new one ('sts-snapshots peer pair-code')")
    return None


@dataclass(frozen=True)
class OutstandingCode:
    """A pairing code issued here and not used yet, as an admin is shown it (never its token)."""

    id: str
    issued_at: str
    issued_by: str
    expires_at: str


def _shown(token: SyncToken) -> OutstandingCode:
    return OutstandingCode(id=code_id(token), issued_at=token["issued_at"], issued_by=token["issued_by"],
                           expires_at=expires_at(token).isoformat())


def outstanding_codes(sts: StsApp, user: User) -> list[OutstandingCode]:
    """The pairing codes this installation issued that no installation used yet and still work, oldest first."""
    _admin(user, "see the pairing codes")
    return [_shown(t) for t in pairings(sts).outstanding()]


def cancel_codes(sts: StsApp, user: User, ident: str | None) -> list[OutstandingCode]:
    """Cancel the outstanding pairing code ``ident`` (its id), or every one (None): its token works no more.

    :raises NotFound: no outstanding code has that id.
    """
    _admin(user, "cancel a pairing code")
    done = pairings(sts).cancel(ident, user.email or CLI_ACTOR)
    if ident is not None and not done:
        raise NotFound(f"no outstanding pairing code {ident.strip()[:40]}: 'sts-snapshots peer codes' lists them")
    return [_shown(t) for t in done]


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
    outstanding: int  # pairing codes issued here, not used yet, still working (cancel them apart)


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
                   peers=len(gone), outstanding=len(pairings(sts).outstanding()))
