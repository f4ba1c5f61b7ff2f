"""Claiming a pairing code: the installation that adds a peer tells the issuer, over the network, that it holds the
code, with a claim signed by its signing key (the key its packs are signed with). The issuer binds the code's
sync token to that CA then, so the code pairs one installation only: a copy of it that leaked, a code cancelled
or one that expired is refused there (403, saying which), and the ``peer add`` that carried it pairs nothing.

When the issuer cannot be reached at ``peer add`` (paired offline, the code carried on paper), the peer is
recorded unconfirmed and the claim is made at its first sync; the issuer answers nothing but the claim until then.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

import httpx
from typing_extensions import TypedDict

from ..datadir import DataLayout
from ..datadir.installation import installation_id
from ..services.errors import Invalid
from ..services.pairing import SyncToken, token_hash
from ..services.peers import peer_key
from .format import InstallationInfo, PackRefused
from .signature import Signer, check_signature, sign_manifest, signer_of

TOKEN_HEADER = "X-Sts-Sync-Token"
CLAIM_PATH = "/sync/pair"
CLAIM_TIMEOUT = httpx.Timeout(10, read=30)


class ClaimBody(TypedDict):
    claim: str  # base64 of the claim's JSON: the token's SHA-256 and the claiming installation's id
    signature: str  # base64 of the ECDSA signature over those bytes
    installation: InstallationInfo  # the signing certificate and its CA


class ClaimRefused(Exception):
    """The issuer refused the code (cancelled, expired, used by another installation, not its own): its detail."""


class ClaimUnchecked(Exception):
    """The issuer could not be asked (not reachable, or a version without claims): the code is not checked yet."""

    def __init__(self, message: str, older: bool = False) -> None:
        super().__init__(message)
        self.older = older


def signed_claim(layout: DataLayout, token: str) -> ClaimBody:
    """This installation's claim of the pairing code whose sync token is ``token``."""
    me = installation_id(layout)
    claim = json.dumps({"installation_id": me, "token_sha256": token_hash(token)}, sort_keys=True).encode("utf-8")
    return ClaimBody(claim=base64.b64encode(claim).decode("ascii"),
                     signature=base64.b64encode(sign_manifest(layout, claim)).decode("ascii"),
                     installation=signer_of(layout, me))


def read_claim(token: SyncToken, body: dict[str, Any]) -> Signer:
    """Who claims ``token`` with ``body``: its signature checked, and that it names this very token.

    :raises Invalid: the claim is not one, its signature does not verify, or it is of another token.
    """
    try:
        claim = base64.b64decode(str(body["claim"]), validate=True)
        signature = base64.b64decode(str(body["signature"]), validate=True)
        installation = InstallationInfo(id=str(body["installation"]["id"]),
                                        certificate=str(body["installation"]["certificate"]),
                                        ca=str(body["installation"]["ca"]))
        said = json.loads(claim)
        signer = check_signature(claim, signature, installation)
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise Invalid("the claim of the pairing code cannot be read") from None
    except PackRefused as exc:
        raise Invalid(f"the claim of the pairing code does not verify: {exc}") from None
    if not isinstance(said, dict) or said.get("token_sha256") != token["id"] \
            or said.get("installation_id") != installation["id"]:
        raise Invalid("the claim is of another pairing code or installation")
    return signer


def _detail(response: httpx.Response) -> str:
    try:
        found = response.json()
    except ValueError:
        return response.text[:300]
    return str(found.get("detail", response.text))[:300] if isinstance(found, dict) else response.text[:300]


def send_claim(client: httpx.Client, layout: DataLayout, token: str, expected_ca: str) -> None:
    """Claim the code of ``token`` at the issuer ``client`` speaks to (its API root), which must answer as the CA
    ``expected_ca`` of the code.

    :raises ClaimRefused: the issuer refused it, or is not the code's installation.
    :raises ClaimUnchecked: the issuer could not be reached, answered an error of its own, or predates claims.
    """
    try:
        response = client.post(CLAIM_PATH, json=signed_claim(layout, token), headers={TOKEN_HEADER: token})
    except httpx.HTTPError as exc:
        raise ClaimUnchecked(f"it cannot be reached: {exc}") from None
    if response.status_code == 404:  # every path of ours answers; an unknown one is a version without claims
        raise ClaimUnchecked("it runs a version without pairing claims", older=True)
    if 400 <= response.status_code < 500:
        raise ClaimRefused(_detail(response))
    if response.status_code >= 500:
        raise ClaimUnchecked(f"it answered {response.status_code}: {_detail(response)}")
    try:
        answered = str(response.json()["ca_fingerprint"])
    except (ValueError, KeyError, TypeError):
        raise ClaimUnchecked("its answer to the claim cannot be read") from None
    if peer_key(answered) != peer_key(expected_ca):
        raise ClaimRefused("the installation at this address is not the one of the pairing code (another CA "
                           "answered): check the address")
