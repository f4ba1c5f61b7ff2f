"""Received room packs as an attacker or an accident makes them: each a pack's bytes with one thing wrong."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from sts_snapshots.signing.certs import cert_pem, make_ca, make_signing_cert, new_key

REGULAR = 0o100644 << 16


def entries(pack: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes], extra: list[tuple[zipfile.ZipInfo, bytes]] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = REGULAR
            archive.writestr(info, data)
        for info, data in extra or []:
            archive.writestr(info, data)
    return out.getvalue()


def a_document(pack: bytes) -> tuple[str, bytes]:
    return next((n, d) for n, d in entries(pack).items() if n.startswith("documents/") and len(d) > 16)


def byte_flipped(pack: bytes) -> bytes:
    """One byte of a document's file changed where it lies in the zip (its CRC no longer matches)."""
    _name, data = a_document(pack)
    at = pack.find(data) + len(data) // 2
    return pack[:at] + bytes([pack[at] ^ 0x01]) + pack[at + 1:]


def file_replaced(pack: bytes) -> bytes:
    """A document's file changed and the zip written again properly: only the manifest's hash tells."""
    files = entries(pack)
    name, data = a_document(pack)
    files[name] = data[:-1] + bytes([data[-1] ^ 0x01])
    return rezip(files)


def manifest_edited(pack: bytes) -> bytes:
    files = entries(pack)
    manifest = json.loads(files["manifest.json"])
    manifest["room_title"] = "Another room"
    files["manifest.json"] = json.dumps(manifest).encode()
    return rezip(files)


def resigned_by_stranger(pack: bytes) -> bytes:
    """Signed again by another key whose certificate claims the exporter's CA: not issued by it."""
    files = entries(pack)
    manifest = json.loads(files["manifest.json"])
    stranger_ca_key, key = new_key(), new_key()
    stranger = make_signing_cert(key, make_ca(stranger_ca_key, "Stranger", "x"), stranger_ca_key, "Stranger", "x")
    manifest["installation"]["certificate"] = cert_pem(stranger).decode()
    files["manifest.json"] = raw = json.dumps(manifest).encode()
    files["manifest.sig"] = key.sign(raw, ec.ECDSA(hashes.SHA256()))
    return rezip(files)


def self_signed_stranger(pack: bytes) -> bytes:
    """A whole identity of its own (CA and signing certificate), consistent: an unknown installation."""
    files = entries(pack)
    manifest = json.loads(files["manifest.json"])
    ca_key, key = new_key(), new_key()
    ca = make_ca(ca_key, "Stranger", "x")
    manifest["installation"] = {"id": "stranger", "ca": cert_pem(ca).decode(),
                                "certificate": cert_pem(make_signing_cert(key, ca, ca_key, "Stranger", "x")).decode()}
    files["manifest.json"] = raw = json.dumps(manifest).encode()
    files["manifest.sig"] = key.sign(raw, ec.ECDSA(hashes.SHA256()))
    return rezip(files)


def with_entry(name: str, attr: int = REGULAR, compress: int = zipfile.ZIP_STORED,
               data: bytes = b"x") -> Callable[[bytes], bytes]:
    def make(pack: bytes) -> bytes:
        info = zipfile.ZipInfo(name)
        info.external_attr = attr
        info.compress_type = compress
        return rezip(entries(pack), [(info, data)])
    return make


def compressed(pack: bytes) -> bytes:
    """Every entry deflated: the shape of a zip bomb (a small file that expands), refused before any is read."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries(pack).items():
            archive.writestr(name, data)
    return out.getvalue()


def not_a_zip(_pack: bytes) -> bytes:
    return b"PK\x03\x04 this is no zip at all"


SYMLINK = 0o120777 << 16
# (what is wrong, how to make it from a good pack, the words the one-line refusal says)
BAD_PACKS: list[tuple[str, Callable[[bytes], bytes], str]] = [
    ("one byte changed", byte_flipped, "is damaged"),
    ("a file replaced", file_replaced, "does not match the size and SHA-256"),
    ("the manifest edited", manifest_edited, "signature does not verify"),
    ("signed by a stranger", resigned_by_stranger, "was not issued by the CA"),
    ("an unknown signer", self_signed_stranger, "does not trust yet"),
    ("a path ../x", with_entry("../x"), "leads outside the pack"),
    ("a path documents/../../x", with_entry("documents/../../x"), "leads outside the pack"),
    ("an absolute path", with_entry("/etc/cron.d/x"), "is an absolute path"),
    ("a symlink", with_entry("documents/link", attr=SYMLINK, data=b"/etc/passwd"), "is a symbolic link"),
    ("a zip bomb", compressed, "is compressed"),
    ("a stray entry", with_entry("notes.txt"), "is not part of a room pack"),
    ("not a zip", not_a_zip, "not a zip archive"),
]


def tree_digest(root: Path) -> dict[str, bytes]:
    """What a data folder's stores and files hold (no logs, no lock files): to show that nothing changed."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix != ".lock" and "logs" not in p.parts and ".nicegui" not in p.parts}
