"""Making and describing X.509 certificates (EC P-256): the installation's CA and the signing certificates it issues."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_YEARS = 30  # a recipient trusts the CA once; snapshots are filed for years
SIGNING_YEARS = 10
_BACKDATE = datetime.timedelta(minutes=10)  # a recipient's clock a little behind ours still accepts a new certificate


@dataclass(frozen=True)
class CertInfo:
    """What a person is shown of a certificate."""

    subject: str
    issuer: str
    not_before: str
    not_after: str
    fingerprint: str  # SHA-256 of the DER, upper-case hex with colons (as browsers and certutil show it)
    serial: str


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(organisation: str, common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64] or "STS Snapshots"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])


def _usage(*, sign: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=sign, content_commitment=sign, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


def make_ca(key: ec.EllipticCurvePrivateKey, organisation: str, host: str,
            now: datetime.datetime | None = None) -> x509.Certificate:
    """A self-signed CA certificate (CA:TRUE, keyCertSign) named for the organisation and the host."""
    now = now or datetime.datetime.now(datetime.UTC)
    name = _name(organisation, f"{organisation} CA ({host})")
    public = key.public_key()
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _BACKDATE).not_valid_after(now + datetime.timedelta(days=365 * CA_YEARS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(sign=False, ca=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .sign(key, hashes.SHA256()))


def make_signing_cert(key: ec.EllipticCurvePrivateKey, ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey,
                      organisation: str, host: str, now: datetime.datetime | None = None) -> x509.Certificate:
    """A document-signing certificate for ``key``, issued by the installation's CA."""
    now = now or datetime.datetime.now(datetime.UTC)
    public = key.public_key()
    return (x509.CertificateBuilder().subject_name(_name(organisation, f"{organisation} snapshots ({host})"))
            .issuer_name(ca.subject).public_key(public).serial_number(x509.random_serial_number())
            .not_valid_before(now - _BACKDATE).not_valid_after(now + datetime.timedelta(days=365 * SIGNING_YEARS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(sign=True, ca=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))


def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def fingerprint(der: bytes) -> str:
    """The SHA-256 fingerprint of a DER certificate, as browsers and ``certutil`` print it.

    >>> fingerprint(b"")[:23]
    'E3:B0:C4:42:98:FC:1C:14'
    """
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def describe(cert: x509.Certificate) -> CertInfo:
    return CertInfo(subject=cert.subject.rfc4514_string(), issuer=cert.issuer.rfc4514_string(),
                    not_before=cert.not_valid_before_utc.isoformat(timespec="seconds"),
                    not_after=cert.not_valid_after_utc.isoformat(timespec="seconds"),
                    fingerprint=fingerprint(cert.public_bytes(serialization.Encoding.DER)),
                    serial=f"{cert.serial_number:x}")
