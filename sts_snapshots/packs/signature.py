"""Signing a pack's manifest with this installation's signing key, and checking a received one's.

The key is the one snapshot PDFs are signed with (``<secrets>/signing``, :mod:`sts_snapshots.signing.identity`);
the signature is ECDSA with SHA-256 over the manifest's bytes, made and checked with ``cryptography``. A received
pack's signing certificate must be issued by the CA the manifest carries, and that CA is what an admin trusts.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ..datadir import DataLayout
from ..signing import load_identity
from ..signing.certs import cert_pem, describe
from .format import InstallationInfo, PackRefused


def sign_manifest(layout: DataLayout, manifest: bytes) -> bytes:
    """The signature over ``manifest`` with the installation's current signing key."""
    identity = load_identity(layout)
    key = serialization.load_pem_private_key(identity.key_path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise PackRefused(f"{identity.key_path} is not an EC key")
    return key.sign(manifest, ec.ECDSA(hashes.SHA256()))


def signer_of(layout: DataLayout, installation_id: str) -> InstallationInfo:
    """What a manifest says of the installation that signs it."""
    identity = load_identity(layout)
    return InstallationInfo(id=installation_id, certificate=cert_pem(identity.current).decode("ascii"),
                            ca=cert_pem(identity.ca).decode("ascii"))


@dataclass(frozen=True)
class Signer:
    """Who signed a received pack: its installation, and the fingerprint and subject of its CA."""

    installation_id: str
    ca_fingerprint: str
    ca_subject: str


def check_signature(manifest: bytes, signature: bytes, installation: InstallationInfo) -> Signer:
    """Check ``signature`` over ``manifest`` by the certificate the manifest names, and that its CA issued it.

    :raises PackRefused: a certificate does not parse, the CA did not issue it, or the signature does not verify.
    """
    try:
        cert = x509.load_pem_x509_certificate(installation["certificate"].encode("ascii"))
        ca = x509.load_pem_x509_certificate(installation["ca"].encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise PackRefused("the manifest's certificates cannot be read") from None
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        raise PackRefused("the manifest's signing certificate was not issued by the CA it names") from None
    public = cert.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey):
        raise PackRefused("the manifest's signing certificate has no EC key")
    try:
        public.verify(signature, manifest, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise PackRefused("the manifest's signature does not verify: the pack was changed after it was signed") \
            from None
    info = describe(ca)
    return Signer(installation_id=installation["id"], ca_fingerprint=info.fingerprint, ca_subject=info.subject)
