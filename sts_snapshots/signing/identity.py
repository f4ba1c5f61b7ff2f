"""The installation's signing identity in ``<data>/signing``: its own CA and the signing certificates it issued.

``ca.pem``/``ca.key`` is the CA a recipient trusts once; ``signing-<stamp>.pem``/``.key`` are the signing
certificates, every one ever issued (old snapshots verify against them as "older certificate");
``current`` names the one used now. Key files are 0600. Every change holds the folder's lock, and every
file is written atomically, so two processes starting at once make one identity.
"""

from __future__ import annotations

import datetime
import logging
import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ..datadir import DataLayout
from .certs import CertInfo, cert_pem, describe, fingerprint, key_pem, make_ca, make_signing_cert, new_key
from .files import folder_lock, write_private, write_public

log = logging.getLogger(__name__)

CA_CERT, CA_KEY, CURRENT, PREFIX = "ca.pem", "ca.key", "current", "signing-"


class SigningSetupError(RuntimeError):
    """The signing identity cannot be read or made; the message (one line) says why."""


@dataclass(frozen=True)
class Identity:
    folder: Path
    ca: x509.Certificate
    current: x509.Certificate
    current_name: str
    older: tuple[x509.Certificate, ...]

    @property
    def key_path(self) -> Path:
        return self.folder / f"{self.current_name}.key"

    @property
    def cert_path(self) -> Path:
        return self.folder / f"{self.current_name}.pem"

    @property
    def ca_info(self) -> CertInfo:
        return describe(self.ca)

    @property
    def current_info(self) -> CertInfo:
        return describe(self.current)

    def which(self, cert_fingerprint: str) -> str | None:
        """``"current"``, ``"older"`` or None: whether a certificate is this installation's signing certificate."""
        if describe(self.current).fingerprint == cert_fingerprint:
            return "current"
        if any(describe(cert).fingerprint == cert_fingerprint for cert in self.older):
            return "older"
        return None


def host_name() -> str:
    return socket.gethostname().split(".")[0] or "localhost"


def ensure_identity(layout: DataLayout, organisation: str, host: str | None = None) -> bool:
    """Make the CA and a first signing certificate unless they exist; returns whether it made them."""
    folder = layout.signing
    if (folder / CURRENT).exists():
        return False
    with folder_lock(folder):
        if (folder / CURRENT).exists():
            return False  # another process made it while we waited
        host = host or host_name()
        if not (folder / CA_CERT).exists():
            ca_key = new_key()
            ca = make_ca(ca_key, organisation, host)
            write_private(folder / CA_KEY, key_pem(ca_key))
            write_public(folder / CA_CERT, cert_pem(ca))
        _issue(folder, organisation, host)
    log.info("Made this installation's signing CA and certificate in %s", folder)
    return True


def rotate(layout: DataLayout, organisation: str, host: str | None = None) -> Identity:
    """Issue a new signing certificate (new key) under the same CA; the old ones are kept for verifying."""
    ensure_identity(layout, organisation, host)
    with folder_lock(layout.signing):
        _issue(layout.signing, organisation, host or host_name())
    identity = load_identity(layout)
    log.info("New signing certificate %s", identity.current_info.fingerprint)
    return identity


def _issue(folder: Path, organisation: str, host: str) -> None:
    """Write a new signing key and certificate, then point ``current`` at them (caller holds the lock)."""
    ca, ca_key = _read_cert(folder / CA_CERT), _read_key(folder / CA_KEY)
    now = datetime.datetime.now(datetime.UTC)
    key = new_key()
    cert = make_signing_cert(key, ca, ca_key, organisation, host, now)
    name = f"{PREFIX}{now:%Y%m%dT%H%M%S}-{cert.serial_number:x}"[:60]
    write_private(folder / f"{name}.key", key_pem(key))
    write_public(folder / f"{name}.pem", cert_pem(cert))
    write_public(folder / CURRENT, name.encode())


def load_identity(layout: DataLayout) -> Identity:
    """The identity as it is on disk. :raises SigningSetupError: none was made, or a file cannot be read."""
    folder = layout.signing
    try:
        name = (folder / CURRENT).read_text().strip()
        ca = _read_cert(folder / CA_CERT)
        current = _read_cert(folder / f"{name}.pem")
        older = tuple(_read_cert(path) for path in sorted(folder.glob(f"{PREFIX}*.pem")) if path.stem != name)
    except FileNotFoundError as exc:
        raise SigningSetupError(f"no signing identity in {folder} (missing {Path(exc.filename).name}); "
                                f"start the server once, or run 'sts-snapshots signing show'") from None
    except (OSError, ValueError) as exc:
        raise SigningSetupError(f"the signing identity in {folder} cannot be read: {exc}") from None
    return Identity(folder=folder, ca=ca, current=current, current_name=name, older=older)


def _read_cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _read_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise SigningSetupError(f"{path} is not an EC key")
    return key


__all__ = ["CertInfo", "Identity", "SigningSetupError", "ensure_identity", "fingerprint", "load_identity", "rotate"]
