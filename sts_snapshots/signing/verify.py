"""Checking a received snapshot PDF: one place, one typed answer, for the CLI, the API and the page.

:func:`check_pdf` reads the file's signature with pyHanko (offline: nothing is fetched), says whether it
is this installation's current or an older certificate, and compares the file's SHA-256 with this
installation's record of the snapshot its ``/Subject`` names: a byte changed in the signature's zero
padding leaves the signature valid, but not the file's hash.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from ..datadir import DataLayout
from .certs import fingerprint
from .identity import Identity, SigningSetupError, load_identity
from .records import snapshot_id_of, snapshot_sha256
from .sign import SignerConfig, _asn1_cert, load_signer, subject_of

log = logging.getLogger(__name__)
MAX_SIGNATURES = 1  # a snapshot carries exactly one


class BadPdf(ValueError):
    """The file cannot be checked (not a PDF, encrypted, damaged, ...); the message is one line for a person."""


@dataclass(frozen=True)
class PdfCheck:
    """What a recipient learns about a file; the same fields in the CLI, ``POST /api/v1/verify`` and ``/verify``."""

    signature: str  # "valid", "invalid" or "absent"
    signed_by: str | None  # the certificate's subject
    fingerprint: str | None  # SHA-256 of the signing certificate
    certificate: str  # "current", "older" (this installation's) or "unknown"
    signed_at: str | None  # the signer's clock (ISO 8601); no time-stamp authority vouches for it offline
    modified_after_signing: bool | None
    snapshot_id: str | None
    snapshot_known: bool  # this installation has a completed snapshot of that id
    sha256: str  # of the file checked
    sha256_matches: bool | None  # None when the installation has no record to compare with
    reason: str  # one sentence: why the verdict is what it is

    @property
    def ok(self) -> bool:
        """A valid signature by a known certificate, unchanged since: the only answer that exits 0."""
        return self.signature == "valid" and self.certificate in ("current", "older")

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def check_pdf(data: bytes, layout: DataLayout, config: SignerConfig | None = None) -> PdfCheck:
    """Check ``data`` against this installation's certificates and records.

    :raises BadPdf: the file is empty, not a PDF, encrypted, damaged, or holds more than one signature.
    """
    digest = hashlib.sha256(data).hexdigest()
    reader = _reader(data)
    snapshot_id = snapshot_id_of(_subject(reader))
    recorded = snapshot_sha256(layout, snapshot_id) if snapshot_id else None
    matches = None if recorded is None else recorded == digest
    try:
        signatures = reader.embedded_signatures
    except Exception as exc:
        raise BadPdf(f"the file's signature fields cannot be read ({_short(exc)})") from None
    if not signatures:
        return PdfCheck(signature="absent", signed_by=None, fingerprint=None, certificate="unknown", signed_at=None,
                        modified_after_signing=None, snapshot_id=snapshot_id, snapshot_known=recorded is not None,
                        sha256=digest, sha256_matches=matches, reason="the file carries no digital signature")
    if len(signatures) > MAX_SIGNATURES:
        raise BadPdf(f"the file holds {len(signatures)} signatures; a snapshot carries one")
    identity = _identity(layout)
    own = _own_p12(config)
    _quiet_path_building()
    try:
        status = validate_pdf_signature(signatures[0], _context(identity), skip_diff=True)
    except Exception as exc:
        raise BadPdf(f"the signature cannot be read ({_short(exc)})") from None
    cert_fingerprint = fingerprint(status.signing_cert.dump())
    which = "current" if own and own == cert_fingerprint else (identity.which(cert_fingerprint) if identity else None)
    modified = status.coverage != SignatureCoverageLevel.ENTIRE_FILE
    crypto_ok = bool(status.intact and status.valid)
    signature, reason = _verdict(crypto_ok, modified, matches, which)
    signed_at = status.signer_reported_dt.isoformat(timespec="seconds") if status.signer_reported_dt else None
    return PdfCheck(signature=signature, signed_by=subject_of(status.signing_cert), fingerprint=cert_fingerprint,
                    certificate=which or "unknown", signed_at=signed_at, modified_after_signing=modified,
                    snapshot_id=snapshot_id, snapshot_known=recorded is not None, sha256=digest,
                    sha256_matches=matches, reason=reason)


CERTIFICATE_LABELS = {"current": "this installation's current certificate",
                      "older": "an older certificate of this installation (before a rotation)",
                      "unknown": "unknown: not a certificate of this installation"}


def describe_check(result: PdfCheck) -> list[tuple[str, str]]:
    """(label, value) lines for a person: the CLI prints them, the page shows them."""
    def yes_no(value: bool | None) -> str:
        return "unknown" if value is None else ("yes" if value else "no")

    if not result.snapshot_known:
        record = "no record of this snapshot here"
    else:
        record = "has it; SHA-256 matches" if result.sha256_matches else "has it; SHA-256 DOES NOT MATCH"
    return [("Signature", result.signature), ("Signed by", result.signed_by or "-"),
            ("Certificate SHA-256", result.fingerprint or "-"), ("Certificate", CERTIFICATE_LABELS[result.certificate]),
            ("Signed at", result.signed_at or "-"), ("Modified after signing", yes_no(result.modified_after_signing)),
            ("Snapshot id", result.snapshot_id or "-"), ("This installation", record),
            ("File SHA-256", result.sha256), ("Verdict", result.reason)]


def _verdict(crypto_ok: bool, modified: bool, matches: bool | None, which: str | None) -> tuple[str, str]:
    if not crypto_ok:
        return "invalid", "the signed bytes were changed after signing (the digest does not match)"
    if modified:
        return "invalid", "something was added to the file after it was signed"
    if matches is False:
        return "invalid", "the file differs from this installation's copy of the snapshot (its SHA-256 does not match)"
    if which is None:
        return "valid", "the signature is intact, but its certificate is not one of this installation's"
    return "valid", f"signed by this installation's {which} certificate and unchanged since"


def _reader(data: bytes) -> PdfFileReader:
    if not data:
        raise BadPdf("the file is empty")
    if b"%PDF-" not in data[:1024]:
        raise BadPdf("the file is not a PDF")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
    except Exception as exc:
        raise BadPdf(f"the PDF cannot be read; it may be truncated or damaged ({_short(exc)})") from None
    if reader.encrypt_dict:
        raise BadPdf("the PDF is encrypted; a snapshot never is")
    return reader


def _subject(reader: PdfFileReader) -> str | None:
    try:
        info = reader.trailer_view.get("/Info")
        subject = info.get_object().get("/Subject") if info is not None else None
        return str(subject) if subject is not None else None
    except Exception:  # a damaged /Info says nothing about the snapshot; the signature check still runs
        return None


def _identity(layout: DataLayout) -> Identity | None:
    try:
        return load_identity(layout)
    except SigningSetupError:
        return None


def _own_p12(config: SignerConfig | None) -> str | None:
    """The fingerprint of the organisation's own PKCS#12 certificate, when one is configured and opens."""
    if config is None or not config.p12:
        return None
    try:
        return load_signer(config).fingerprint
    except SigningSetupError as exc:
        log.warning("verify: %s", exc)
        return None


def _context(identity: Identity | None) -> ValidationContext:
    roots = [_asn1_cert(identity.ca.public_bytes(Encoding.PEM))] if identity is not None else []
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


class _NoPathWarnings(logging.Filter):
    """pyHanko logs a WARNING with a traceback for every certificate it cannot chain to a trusted root: for a
    file signed elsewhere that is an answer ("unknown certificate"), not a fault; a flood would fill the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


def _quiet_path_building() -> None:
    logger = logging.getLogger("pyhanko.sign.validation.generic_cms")
    if not any(isinstance(f, _NoPathWarnings) for f in logger.filters):
        logger.addFilter(_NoPathWarnings())


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]

