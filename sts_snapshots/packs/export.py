"""Writing a room pack: the room's records and every version's file, a manifest of their hashes, its signature."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..context import StsApp
from ..datadir.installation import installation_id
from ..domain.room_bundle import RoomBundle
from ..domain.time import now_iso
from ..services.errors import Forbidden, NotFound, StorageFailed
from ..services.users import User
from .format import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    PACK_SUFFIX,
    RECORDS,
    SIGNATURE,
    FileEntry,
    Manifest,
    document_entry,
    snapshot_entry,
)
from .signature import sign_manifest, signer_of
from .states import caught_up

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ExportSummary:
    room_id: str
    title: str
    documents: int
    snapshots: int
    files: int
    size: int  # bytes of the pack's files (its entries), without the zip's own framing
    left_out: int = 0  # files not carried: the receiver holds them (``leave_out``)


def pack_file_name(title: str) -> str:
    """A pack's file name from the room's title.

    >>> pack_file_name("Skaw STS — MT Nordic Ørsted / MT São Paulo Star")
    'Skaw_STS_MT_Nordic_Ørsted_MT_São_Paulo_Star.stsroom'
    """
    return (re.sub(r"[^\w.-]+", "_", title).strip("._")[:120] or "room") + PACK_SUFFIX


def bundle_of(sts: StsApp, room_id: str, snapshots: bool = False) -> RoomBundle:
    """Every record of the room, as stored (read through the services that own them); with ``snapshots``, the
    records of its completed snapshots too."""
    room = sts.rooms.get(room_id)
    if room is None:
        raise NotFound("room not found")
    changes, reads = sts.rooms.chain.stored_entries(room_id)
    book = sts.checklists.book
    return RoomBundle(room=room, vessels=sts.rooms.vessels_of(room_id), parties=sts.rooms.parties_of(room_id),
                      documents=sts.rooms.documents_of(room_id), approvals=sts.rooms.approvals_of(room_id),
                      changes=changes, reads=reads, checklist_set=book.room_set(room_id),
                      checklists=book.of_room(room_id),
                      snapshots=[r for r in sts.pipeline.records.of_room(room_id)
                                 if r["status"] == "completed" and r["sha256"]] if snapshots else [])


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, time.localtime()[:6])
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o100644 << 16  # a regular file: a reader refuses anything else
    return info


def _copy(archive: zipfile.ZipFile, name: str, source: Path) -> FileEntry:
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as reader, archive.open(_entry(name), "w", force_zip64=True) as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            writer.write(chunk)
    return FileEntry(name=name, sha256=digest.hexdigest(), size=size)


def files_of(sts: StsApp, bundle: RoomBundle) -> list[tuple[str, Path, str, str]]:
    """(entry, stored file, its recorded SHA-256, what a person calls it) of every file the pack carries."""
    found = [(document_entry(v["file_id"]), sts.documents.files_dir / v["file_id"], v["sha256"],
              f"{v['file_name']} (v{v['number']})") for v in bundle.versions()]
    return found + [(snapshot_entry(r["id"]), sts.layout.snapshot_pdf(r["id"]), r["sha256"] or "",
                     f"the snapshot {r['title']}") for r in bundle.snapshots]


def write_pack(sts: StsApp, user: User, room_id: str, target: IO[bytes], *, snapshots: bool = False,
               leave_out: frozenset[str] = frozenset()) -> ExportSummary:
    """Write the room's pack to ``target``; the room's activity records the export (and the pack carries it).

    :param snapshots: carry the room's completed snapshot PDFs too.
    :param leave_out: SHA-256s of files the receiver holds already (a sync): those files are left out of the pack,
        whose records still name them; only an import that accepts a partial pack takes it.
    :raises Forbidden: ``user`` is not an admin. :raises NotFound: no such room.
    :raises StorageFailed: a version's stored file is missing or differs from its recorded SHA-256.
    """
    if not user.is_admin:
        raise Forbidden("only an admin may export a room pack")
    if sts.rooms.get(room_id) is None:
        raise NotFound("room not found")
    origin = installation_id(sts.layout)
    sts.rooms.audit(room_id, user.email, "room pack exported", f"by installation {origin}")
    bundle = bundle_of(sts, room_id, snapshots)
    bundle = dataclasses.replace(bundle, sync=caught_up(sts, room_id, bundle))  # what a merge on the other side needs
    records = json.dumps(bundle.to_json(), ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    files = [FileEntry(name=RECORDS, sha256=hashlib.sha256(records).hexdigest(), size=len(records))]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(_entry(RECORDS), records)
        left_out = 0
        for name, path, sha256, label in files_of(sts, bundle):
            if sha256 in leave_out:
                left_out += 1
                continue
            if not path.is_file():
                raise StorageFailed(f"the stored file of {label} is missing")
            entry = _copy(archive, name, path)
            if entry["sha256"] != sha256:
                raise StorageFailed(f"the stored file of {label} differs from the SHA-256 recorded for it: "
                                    "run 'sts-snapshots verify'")
            files.append(entry)
        manifest = Manifest(format=FORMAT, version=FORMAT_VERSION, room_id=room_id, room_title=bundle.room["title"],
                            exported_at=now_iso(), exported_by=user.email,
                            installation=signer_of(sts.layout, origin), files=files)
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
        archive.writestr(_entry(MANIFEST), manifest_bytes)
        archive.writestr(_entry(SIGNATURE), sign_manifest(sts.layout, manifest_bytes))
    return ExportSummary(room_id=room_id, title=bundle.room["title"], documents=len(bundle.documents),
                         snapshots=len(bundle.snapshots), files=len(files) - 1, size=sum(f["size"] for f in files),
                         left_out=left_out)


def export_pack(sts: StsApp, user: User, room_id: str, path: Path, *, snapshots: bool = False) -> ExportSummary:
    """Write the room's pack to the file ``path``, whole or not at all (a partial file is removed)."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("wb") as handle:
            summary = write_pack(sts, user, room_id, handle, snapshots=snapshots)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return summary
