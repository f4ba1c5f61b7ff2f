"""What a room pack holds, how its entries are named, and the limits a received pack must keep.

A pack is a zip of stored (uncompressed) entries:

- ``manifest.json``: the format, the room, who exported it and when, the exporting installation's id, signing
  certificate and CA (PEM), and the SHA-256 and size of every other entry;
- ``manifest.sig``: the signing key's ECDSA (SHA-256) signature over the bytes of ``manifest.json``;
- ``room.json``: the room's records (:class:`~sts_snapshots.domain.room_bundle.RoomBundle`);
- ``documents/<file id>``: every version's file, byte for byte;
- ``snapshots/<snapshot id>.pdf``: the room's completed snapshot PDFs, when the export was asked for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from typing_extensions import TypedDict

from ..settings import Settings

FORMAT = "sts-room-pack"
FORMAT_VERSION = 1
PACK_SUFFIX = ".stsroom"
MEDIA_TYPE = "application/vnd.sts-snapshots.room-pack+zip"
MANIFEST, SIGNATURE, RECORDS = "manifest.json", "manifest.sig", "room.json"
DOCUMENTS, SNAPSHOTS = "documents/", "snapshots/"
MAX_ENTRIES = 20_000  # a room of 200 documents with ten versions each has 2 003
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MAX_SIGNATURE_BYTES = 1024
ENTRY_NAME = re.compile(r"^(?:manifest\.json|manifest\.sig|room\.json|documents/[A-Za-z0-9_-]{1,64}"
                        r"|snapshots/[A-Za-z0-9_-]{1,64}\.pdf)$")
S_IFMT, S_IFLNK, S_IFREG = 0o170000, 0o120000, 0o100000


class PackRefused(ValueError):
    """A received pack is not taken; the message is one line saying why. Nothing was changed."""


class FileEntry(TypedDict):
    name: str
    sha256: str
    size: int


class InstallationInfo(TypedDict):
    id: str
    certificate: str  # the signing certificate that signed the manifest (PEM)
    ca: str  # the CA that issued it (PEM): what a receiving admin trusts once


class Manifest(TypedDict):
    format: str
    version: int
    room_id: str
    room_title: str
    exported_at: str
    exported_by: str
    installation: InstallationInfo
    files: list[FileEntry]


def document_entry(file_id: str) -> str:
    """The entry of a document version's file.

    >>> document_entry("3f2a")
    'documents/3f2a'
    """
    return f"{DOCUMENTS}{file_id}"


def snapshot_entry(snapshot_id: str) -> str:
    """The entry of a snapshot's PDF.

    >>> snapshot_entry("s1")
    'snapshots/s1.pdf'
    """
    return f"{SNAPSHOTS}{snapshot_id}.pdf"


def check_manifest(data: Any) -> Manifest:
    """``data`` (parsed JSON) as a manifest. :raises PackRefused: it is not one this version reads."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PackRefused("not a room pack: its manifest names another format")
    if data.get("version") != FORMAT_VERSION:
        raise PackRefused(f"room pack version {data.get('version')!r}: this installation reads version "
                          f"{FORMAT_VERSION}; update it")
    installation = data.get("installation")
    if not isinstance(installation, dict) or not all(isinstance(installation.get(k), str)
                                                     for k in ("id", "certificate", "ca")):
        raise PackRefused("the manifest does not name the installation that exported the pack")
    files = data.get("files")
    if not isinstance(files, list) or not all(
            isinstance(f, dict) and isinstance(f.get("name"), str) and isinstance(f.get("sha256"), str)
            and isinstance(f.get("size"), int) for f in files):
        raise PackRefused("the manifest's list of files is damaged")
    if not isinstance(data.get("room_id"), str):
        raise PackRefused("the manifest names no room")
    return data  # type: ignore[return-value]


@dataclass(frozen=True)
class PackLimits:
    """How much a received pack may hold: entries, bytes per file, bytes in all."""

    max_entries: int = MAX_ENTRIES
    max_file_bytes: int = 50 * 1024 * 1024
    max_total_bytes: int = 2048 * 1024 * 1024

    @classmethod
    def of(cls, settings: Settings) -> PackLimits:
        """Each file as large as a document upload may be (``max_upload_mb``), all of them ``max_pack_mb``.

        >>> PackLimits.of(Settings.load({"max_upload_mb": 1, "max_pack_mb": 3}, env={})).max_total_bytes
        3145728
        """
        return cls(max_file_bytes=settings.max_upload_mb * 1024 * 1024,
                   max_total_bytes=settings.max_pack_mb * 1024 * 1024)
