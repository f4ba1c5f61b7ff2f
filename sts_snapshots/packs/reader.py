"""Reading a received room pack: everything is checked before anything is written.

In order: the zip's entries (names, kinds, compression, counts, sizes), the manifest and its signature, every
entry's size and SHA-256 against the manifest, then the records and the files they name. Any failure is a
:class:`PackRefused` with one line. Entries are stored, not compressed, and are read no further than the size the
manifest gives them, so a zip bomb has nothing to expand.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..domain.room_bundle import BadBundle, RoomBundle
from .format import (
    DOCUMENTS,
    ENTRY_NAME,
    MANIFEST,
    MAX_MANIFEST_BYTES,
    MAX_SIGNATURE_BYTES,
    RECORDS,
    S_IFLNK,
    S_IFMT,
    S_IFREG,
    SIGNATURE,
    SNAPSHOTS,
    FileEntry,
    Manifest,
    PackLimits,
    PackRefused,
    check_manifest,
    document_entry,
    snapshot_entry,
)
from .signature import Signer, check_signature

CHUNK = 1024 * 1024


def shown(name: str) -> str:
    """An entry's name as a message quotes it (short, printable).

    >>> shown("../" * 40)[-5:], shown("a\\nb")
    ("...'", "'a\\\\nb'")
    """
    text = repr(name)
    return text if len(text) <= 60 else text[:56] + "...'"


def check_entry(info: zipfile.ZipInfo, limits: PackLimits) -> None:
    """One entry as a pack may hold it. :raises PackRefused: saying what is wrong with it.

    >>> check_entry(zipfile.ZipInfo("../x"), PackLimits())
    Traceback (most recent call last):
    ...
    sts_snapshots.packs.format.PackRefused: entry '../x' leads outside the pack (..)
    """
    name = info.filename
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise PackRefused(f"entry {shown(name)} is an absolute path")
    if ".." in re.split(r"[/\\]", name):
        raise PackRefused(f"entry {shown(name)} leads outside the pack (..)")
    kind = (info.external_attr >> 16) & S_IFMT
    if kind == S_IFLNK:
        raise PackRefused(f"entry {shown(name)} is a symbolic link")
    if info.is_dir() or kind not in (0, S_IFREG):
        raise PackRefused(f"entry {shown(name)} is not a plain file")
    if not ENTRY_NAME.match(name):
        raise PackRefused(f"entry {shown(name)} is not part of a room pack")
    if info.flag_bits & 0x1:
        raise PackRefused(f"entry {shown(name)} is encrypted")
    if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
        raise PackRefused(f"entry {shown(name)} is compressed: a room pack stores its entries as they are")
    if info.file_size > limits.max_file_bytes:
        raise PackRefused(f"entry {shown(name)} is {info.file_size} bytes, over the {limits.max_file_bytes} byte "
                          "limit for one file (max_upload_mb)")


@dataclass
class ReceivedPack:
    """A pack that passed every check: its manifest, who signed it, its records, and its files to read."""

    archive: zipfile.ZipFile
    manifest: Manifest
    signer: Signer
    bundle: RoomBundle
    entries: dict[str, FileEntry]
    absent: frozenset[str] = frozenset()  # entries the records name but a partial pack left out (by their sha256)
    copies: dict[str, Path] = field(default_factory=dict)  # an absent entry: the file here with the same SHA-256

    @property
    def room_id(self) -> str:
        return self.bundle.room_id

    def read(self, name: str) -> bytes:
        """An entry's bytes, checked again against the manifest as they are read (an absent one's, from the file
        here that :attr:`copies` names, checked against the records' SHA-256 by the importer)."""
        if name in self.copies:
            return self.copies[name].read_bytes()
        return _read(self.archive, name, self.entries[name])


def _read_bounded(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise PackRefused(f"entry {name} is larger than a room pack's {name} may be")
    try:
        with archive.open(info) as handle:
            return handle.read(limit + 1)[:limit + 1]
    except (zipfile.BadZipFile, OSError, EOFError):
        raise PackRefused(f"entry {name} is damaged (its CRC does not match)") from None


def _read(archive: zipfile.ZipFile, name: str, expected: FileEntry, *, keep: bool = True) -> bytes:
    """The entry's bytes (or, not ``keep``, only its check), read no further than one byte past its size."""
    digest, chunks, size = hashlib.sha256(), [], 0
    try:
        with archive.open(name) as handle:
            while size <= expected["size"] and (chunk := handle.read(min(CHUNK, expected["size"] + 1 - size))):
                digest.update(chunk)
                if keep:
                    chunks.append(chunk)
                size += len(chunk)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise PackRefused(f"entry {name} is damaged (its CRC does not match)") from None
    if size != expected["size"] or digest.hexdigest() != expected["sha256"]:
        raise PackRefused(f"entry {name} does not match the size and SHA-256 its manifest gives")
    return b"".join(chunks)


def _entries(archive: zipfile.ZipFile, limits: PackLimits) -> set[str]:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise PackRefused(f"the pack holds {len(infos)} entries, over the limit of {limits.max_entries}")
    names: set[str] = set()
    total = 0
    for info in infos:
        check_entry(info, limits)
        if info.filename in names:
            raise PackRefused(f"entry {shown(info.filename)} is in the pack twice")
        names.add(info.filename)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise PackRefused(f"the pack's files come to more than the {limits.max_total_bytes} byte limit "
                              "(max_pack_mb)")
    for required in (MANIFEST, SIGNATURE, RECORDS):
        if required not in names:
            raise PackRefused(f"not a room pack: it has no {required}")
    return names


def _manifest(archive: zipfile.ZipFile) -> tuple[Manifest, Signer]:
    raw = _read_bounded(archive, MANIFEST, MAX_MANIFEST_BYTES)
    signature = _read_bounded(archive, SIGNATURE, MAX_SIGNATURE_BYTES)
    try:
        parsed = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PackRefused("the pack's manifest is not JSON") from None
    manifest = check_manifest(parsed)
    return manifest, check_signature(raw, signature, manifest["installation"])


def _bundle(archive: zipfile.ZipFile, manifest: Manifest, entries: dict[str, FileEntry],
            absent: set[str] | None = None) -> RoomBundle:
    """The pack's records, each file they name in the pack; with ``absent`` (a partial pack), a named file not in
    the pack at all is added to it instead of refused (the importer must hold it)."""
    raw = _read(archive, RECORDS, entries[RECORDS])
    try:
        bundle = RoomBundle.of_json(json.loads(raw.decode("utf-8")))
    except (UnicodeDecodeError, ValueError) as exc:
        reason = str(exc) if isinstance(exc, BadBundle) else "they are not JSON"
        raise PackRefused(f"the pack's records cannot be taken: {reason}") from None
    if bundle.room_id != manifest["room_id"]:
        raise PackRefused("the pack's records are of another room than its manifest names")
    named = set()
    for version in bundle.versions():
        name = document_entry(version["file_id"])
        entry = entries.get(name)
        if entry is None and absent is not None:
            absent.add(name)
        elif entry is None or entry["sha256"] != version["sha256"] or entry["size"] != version["size"]:
            raise PackRefused(f"{version['file_name']} v{version['number']}: the pack lacks its file, or holds "
                              "another one")
        named.add(name)
    for snapshot in bundle.snapshots:
        name = snapshot_entry(snapshot["id"])
        entry = entries.get(name)
        if entry is None and absent is not None:
            absent.add(name)
        elif entry is None or entry["sha256"] != snapshot["sha256"]:
            raise PackRefused(f"the snapshot {snapshot['title']}: the pack lacks its PDF, or holds another one")
        named.add(name)
    stray = sorted(name for name in entries if name.startswith((DOCUMENTS, SNAPSHOTS)) and name not in named)
    if stray:
        raise PackRefused(f"entry {shown(stray[0])} is the file of no document version or snapshot")
    return bundle


@contextlib.contextmanager
def open_pack(source: Path | IO[bytes], limits: PackLimits, *, partial: bool = False) -> Iterator[ReceivedPack]:
    """The pack in ``source`` once it passed every check (see the module's docstring).

    :param partial: accept a pack that leaves out files its records name (a sync's: the receiver holds them).

    :raises PackRefused: the first check it fails.
    """
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise PackRefused("not a room pack: the file is not a zip archive") from None
    with archive:
        names = _entries(archive, limits)
        manifest, signer = _manifest(archive)
        entries = {entry["name"]: entry for entry in manifest["files"]}
        if len(entries) != len(manifest["files"]) or set(entries) != names - {MANIFEST, SIGNATURE}:
            missing = sorted(set(entries) - names) or sorted(names - {MANIFEST, SIGNATURE} - set(entries))
            raise PackRefused(f"entry {shown(missing[0] if missing else '?')} is not as the manifest lists it")
        for name, entry in entries.items():
            if archive.getinfo(name).file_size != entry["size"]:
                raise PackRefused(f"entry {name} does not match the size its manifest gives")
        for name, entry in entries.items():
            if name != RECORDS:
                _read(archive, name, entry, keep=False)
        absent: set[str] | None = set() if partial else None
        bundle = _bundle(archive, manifest, entries, absent)
        yield ReceivedPack(archive=archive, manifest=manifest, signer=signer, bundle=bundle, entries=entries,
                           absent=frozenset(absent or ()))
