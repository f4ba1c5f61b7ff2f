"""Bringing a room new to this installation in from a room pack, whole or not at all.

Everything is checked first (:mod:`.reader`, then the signer's trust, then that the room and its files are new
here). Then the writes, ordered so that a process killed at any point leaves the room absent: the files
(document versions, snapshot PDFs), each written atomically under its own id; the checklists; the snapshot
records; the activity log; the room's other records, one write per table; the room record last, in one write.
Records of that room id left by a killed import are replaced by the next one. A room this installation already
has is merged instead (:mod:`.merge`).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..context import StsApp
from ..datadir.atomic import atomic_write_bytes
from ..services.errors import Conflict, Forbidden
from ..services.peers import TrustedPeer, TrustedPeers
from ..services.users import User
from ..signing import load_identity
from ..store import Database
from .export import bundle_of, files_of
from .format import PackLimits, PackRefused, document_entry, snapshot_entry
from .merge import merge_pack
from .reader import ReceivedPack, open_pack
from .signature import Signer
from .states import adopt_states


@dataclass(frozen=True)
class ImportResult:
    room_id: str
    title: str
    origin: str  # the exporting installation's id
    documents: int
    snapshots: int
    files: int
    activity: int
    trusted_now: bool  # the signer's CA was trusted by this import (--trust)
    merged: bool = False  # the room was here already: the pack was merged into it
    taken: int = 0  # merged: fields that took the other side's value
    conflicts: int = 0  # merged: conflicts opened (both values kept, for an admin to choose)


def peers(sts: StsApp) -> TrustedPeers:
    return TrustedPeers(sts.stores.users)


def _admin(user: User, what: str) -> None:
    if not user.is_admin:
        raise Forbidden(f"only an admin may {what}")


def _is_known(sts: StsApp, signer: Signer) -> bool:
    return signer.ca_fingerprint == load_identity(sts.layout).ca_info.fingerprint or \
        peers(sts).is_trusted(signer.ca_fingerprint)


def unknown_signer(signer: Signer) -> PackRefused:
    return PackRefused(f"the pack comes from installation {signer.installation_id}, which this installation does not "
                       f"trust yet (CA fingerprint {signer.ca_fingerprint}): compare the fingerprint with its admin, "
                       "then trust it once ('sts-snapshots room trust FILE', or import with --trust)")


def _files_to_write(sts: StsApp, pack: ReceivedPack) -> list[tuple[str, Path]]:
    """(entry, where it goes) of each file to write; refused when one's place is taken here by other bytes."""
    wanted = []
    places = [(document_entry(v["file_id"]), sts.documents.files_dir / v["file_id"], v["sha256"], v["file_id"])
              for v in pack.bundle.versions()]
    places += [(snapshot_entry(r["id"]), sts.layout.snapshot_pdf(r["id"]), r["sha256"] or "", f"snapshot {r['id']}")
               for r in pack.bundle.snapshots]
    held = _held(sts, pack) if pack.absent else {}
    for entry, target, sha256, label in places:
        if target.exists():
            if hashlib.sha256(target.read_bytes()).hexdigest() == sha256:
                continue  # written by an import killed before it finished, or left out of a sync's pack
            raise PackRefused(f"the file of {label} is taken on this installation by another file")
        if entry in pack.absent:
            if sha256 not in held:
                raise PackRefused(f"the pack leaves out the file of {label}, which this installation does not hold")
            pack.copies[entry] = held[sha256]  # the same bytes under another version's id here
        wanted.append((entry, target))
    return wanted


def _held(sts: StsApp, pack: ReceivedPack) -> dict[str, Path]:
    """SHA-256 -> a file of the room here with it, checked (what a partial pack may leave out)."""
    if sts.rooms.get(pack.room_id) is None:
        return {}
    found = {}
    for _entry, path, sha256, _label in files_of(sts, bundle_of(sts, pack.room_id, snapshots=True)):
        if sha256 not in found and path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == sha256:
            found[sha256] = path
    return found


def import_pack(sts: StsApp, user: User, source: Path | IO[bytes], *, trust: bool = False,
                partial: bool = False) -> ImportResult:
    """Import the room in the pack ``source`` as it is (same ids, the same files byte for byte).

    :param trust: trust the signer's CA first, if this installation does not (an admin who checked it).
    :param partial: a sync's pack, which may leave out files this installation holds (the same SHA-256).
    :raises PackRefused: a check failed (one line; nothing changed).
    :raises Conflict: the room exists here and the pack cannot be merged (no field versions), or a record id is
        taken.
    :raises Forbidden: ``user`` is not an admin.
    """
    _admin(user, "import a room pack")
    with open_pack(source, PackLimits.of(sts.settings), partial=partial) as pack:
        known = _is_known(sts, pack.signer)
        if not known and not trust:
            raise unknown_signer(pack.signer)
        with import_lock(sts):  # two imports of one room at once: the second is refused here, before it writes
            return _write(sts, user, pack, known)


@contextlib.contextmanager
def import_lock(sts: StsApp) -> Iterator[None]:
    """One import at a time on this installation (every thread and process: a lock file in the data folder; in the
    distributed mode, per node only — nodes importing the same room at once are not excluded yet)."""
    with Database.file_lock(sts.layout.db / "room-packs"):
        yield


def _write(sts: StsApp, user: User, pack: ReceivedPack, known: bool) -> ImportResult:
    """Check that the room and its files are new here, then write: files, then records, the room's last."""
    bundle = pack.bundle
    # -- a room this installation has: merged (sts_snapshots.packs.merge) -----------------------------
    if sts.rooms.get(bundle.room_id) is not None:
        plan, opened = merge_pack(sts, user, pack, _files_to_write(sts, pack))
        if not known:
            _trust(sts, user, pack.signer)
        return ImportResult(room_id=bundle.room_id, title=bundle.room["title"], origin=pack.signer.installation_id,
                            documents=len(bundle.documents), snapshots=len(plan.snapshots), files=plan.new_versions,
                            activity=len(plan.changes) + len(plan.reads), trusted_now=not known, merged=True,
                            taken=len(plan.taken), conflicts=opened)
    # -- end of merging -------------------------------------------------------------------------------
    sts.rooms.imports.check_import(bundle)
    wanted = _files_to_write(sts, pack)
    # every check is passed: from here on, writes
    if not known:
        _trust(sts, user, pack.signer)
    for entry, target in wanted:
        for stale in target.parent.glob(f".{target.name}.*.tmp"):  # an atomic write a kill cut short
            stale.unlink(missing_ok=True)
        atomic_write_bytes(target, pack.read(entry))
    with sts.stores.transaction():
        sts.checklists.book.import_room(bundle.room_id, bundle.checklist_set, bundle.checklists, user.email)
        sts.pipeline.records.import_room(bundle.room_id, bundle.snapshots)
        sts.rooms.imports.import_room(bundle)
    adopt_states(sts, bundle)  # after the room: a room killed half way has none, and the next import sets them
    sts.rooms.log(bundle.room_id, user.email, "room imported",
                  f"from a room pack of installation {pack.signer.installation_id}")
    return ImportResult(room_id=bundle.room_id, title=bundle.room["title"], origin=pack.signer.installation_id,
                        documents=len(bundle.documents), snapshots=len(bundle.snapshots),
                        files=len(bundle.versions()) + len(bundle.snapshots),
                        activity=len(bundle.changes) + len(bundle.reads), trusted_now=not known)


def _trust(sts: StsApp, user: User, signer: Signer) -> TrustedPeer:
    return peers(sts).trust(signer.ca_fingerprint, signer.installation_id, signer.ca_subject, user.email)


def trust_pack(sts: StsApp, user: User, source: Path | IO[bytes]) -> TrustedPeer:
    """Trust the installation that signed the pack ``source`` (its CA), once the whole pack passed its checks.

    :raises PackRefused: a check failed. :raises Forbidden: ``user`` is not an admin.
    """
    _admin(user, "trust another installation")
    with open_pack(source, PackLimits.of(sts.settings)) as pack:
        return _trust(sts, user, pack.signer)


__all__ = ["Conflict", "ImportResult", "import_pack", "trust_pack", "unknown_signer"]
