"""Signing a finished snapshot PDF (PAdES B-B, pyHanko), with the signer parsed once per worker process.

The render worker calls, after assembly::

    signed = sign_pdf(pdf_bytes, load_signer(config))

where ``config`` is a :class:`SignerConfig` (picklable: it travels in the render job). The cover prints
:func:`signer_line`.
"""

from __future__ import annotations

import functools
import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers, timestamps
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ..datadir import DataLayout
from .certs import fingerprint
from .identity import CA_CERT, CURRENT, SigningSetupError

log = logging.getLogger(__name__)
P12_PASSWORD_ENV = "STS_SIGNING_P12_PASSWORD"
FIELD_NAME = "STS-Snapshot-Signature"
TIMESTAMP_TIMEOUT = 5  # seconds: a time-stamp is a nicety, never worth holding a snapshot for
TIMESTAMP_RESERVE = 12_000  # hex digits for an RFC 3161 token (its own certificates included)


@dataclass(frozen=True)
class SignerConfig:
    """Where the signing key is: the data folder's identity, or an organisation's own PKCS#12."""

    data_dir: str
    p12: str = ""
    timestamp_url: str = ""
    secrets_dir: str = ""  # the identity is in <secrets_dir>/signing when set (DataLayout.secrets)

    @classmethod
    def of(cls, data_dir: Path, p12: str = "", timestamp_url: str = "",
           secrets_dir: Path | None = None) -> SignerConfig:
        return cls(str(data_dir), p12, timestamp_url, str(secrets_dir) if secrets_dir is not None else "")


@dataclass(frozen=True)
class Signer:
    """A loaded signer: pyHanko's, the certificate's subject and fingerprint, the space its signature needs."""

    pyhanko: signers.SimpleSigner
    subject: str
    fingerprint: str
    bytes_reserved: int
    timestamp_url: str = ""


def load_signer(config: SignerConfig) -> Signer:
    """The signer ``config`` names, parsed once per process (again only after ``signing rotate``).

    :raises SigningSetupError: no identity, an unreadable key, a PKCS#12 that does not open.
    """
    if config.p12:
        return _load_p12(config.p12, os.environ.get(P12_PASSWORD_ENV, ""), config.timestamp_url)
    secrets = Path(config.secrets_dir) if config.secrets_dir else None
    folder = DataLayout(Path(config.data_dir), secrets_dir=secrets).signing
    try:
        current = (folder / CURRENT).read_text().strip()
    except OSError:
        raise SigningSetupError(f"no signing identity in {folder}; start the server once") from None
    return _load_own(str(folder), current, config.timestamp_url)


@functools.lru_cache(maxsize=4)
def _load_own(folder: str, current: str, timestamp_url: str) -> Signer:
    base = Path(folder)
    try:
        key = load_private_key_from_pemder_data((base / f"{current}.key").read_bytes(), None)
        cert = _asn1_cert((base / f"{current}.pem").read_bytes())
        ca = _asn1_cert((base / CA_CERT).read_bytes())
    except (OSError, ValueError) as exc:
        raise SigningSetupError(f"the signing key in {folder} cannot be read: {exc}") from None
    simple = signers.SimpleSigner(signing_cert=cert, signing_key=key,
                                  cert_registry=SimpleCertificateStore.from_certs([ca]))
    return _signer(simple, [cert, ca], timestamp_url)


@functools.lru_cache(maxsize=2)
def _load_p12(path: str, password: str, timestamp_url: str) -> Signer:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SigningSetupError(f"signing_p12 {path}: {exc.strerror or exc}") from None
    try:
        simple = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=password.encode() or None)
    except ValueError:  # a wrong password or not a PKCS#12 file (pyHanko's message says only that)
        simple = None
    if simple is None:  # pyHanko logs its reason and answers None; the password never appears in it
        raise SigningSetupError(f"signing_p12 {path} cannot be opened (wrong {P12_PASSWORD_ENV}?)")
    chain = [simple.signing_cert, *simple.cert_registry]
    return _signer(simple, chain, timestamp_url)


def _signer(simple: signers.SimpleSigner, chain: list[asn1_x509.Certificate], timestamp_url: str) -> Signer:
    cert = simple.signing_cert
    assert cert is not None
    # Twice the DER (hex) of the certificates and the signature, plus room: pyHanko then signs once, without the
    # dry run it would otherwise make to measure the signature.
    reserve = 2 * (sum(len(c.dump()) for c in chain) + 2048) + (TIMESTAMP_RESERVE if timestamp_url else 0)
    return Signer(pyhanko=simple, subject=subject_of(cert), fingerprint=fingerprint(cert.dump()),
                  bytes_reserved=reserve + reserve % 2, timestamp_url=timestamp_url)


def _asn1_cert(pem: bytes) -> asn1_x509.Certificate:
    certs = list(load_certs_from_pemder_data(pem))
    if len(certs) != 1:
        raise ValueError(f"expected one certificate, found {len(certs)}")
    return certs[0]


def subject_of(cert: asn1_x509.Certificate) -> str:
    """A certificate's subject as a person reads it: its common name, and the organisation when not in it."""
    subject = cert.subject.native
    name, org = str(subject.get("common_name", "")), str(subject.get("organization_name", ""))
    if not name:
        return cert.subject.human_friendly
    return name if not org or org in name else f"{name}, {org}"


def signer_line(signer: Signer) -> str:
    """The cover's line: ``Digitally signed by <subject>, certificate SHA-256 <fingerprint>``."""
    return f"Digitally signed by {signer.subject}, certificate SHA-256 {signer.fingerprint}"


def sign_pdf(data: bytes, signer: Signer) -> bytes:
    """``data`` with a PAdES B-B signature (B-T with ``timestamp_url``) covering the whole file, appended.

    A time-stamp server that cannot be reached (a vessel offline) does not fail the snapshot: it is signed without
    a time-stamp, and a WARNING says so. Synchronous (pyHanko runs its own event loop): call it in a worker
    process or thread, not inside a running loop.

    :raises ValueError: ``data`` is not a PDF pyHanko can update.
    """
    if signer.timestamp_url:
        try:
            return _sign(data, signer, timestamps.HTTPTimeStamper(signer.timestamp_url, timeout=TIMESTAMP_TIMEOUT))
        except (TimeoutError, OSError, TimestampRequestError, aiohttp.ClientError) as exc:
            log.warning("time-stamp server %s not reachable (%s): signed without a time-stamp",
                        signer.timestamp_url, exc)
    return _sign(data, signer, None)


def _sign(data: bytes, signer: Signer, stamper: timestamps.TimeStamper | None) -> bytes:
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, subfilter=SigSeedSubFilter.PADES,
                                        md_algorithm="sha256")
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    out = signers.PdfSigner(meta, signer.pyhanko, timestamper=stamper).sign_pdf(
        writer, bytes_reserved=signer.bytes_reserved)
    return bytes(out.getbuffer())
