"""``sts-snapshots restore``: check every hash, then swap the restored folder in and keep the old one aside.

Nothing in the data folder changes unless the whole archive checks out: it is unpacked into a new folder
beside the data folder first, and only then are the two folders renamed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from ..datadir import DataDirError, DataLayout
from ..datadir.lock import AlreadyRunning, acquire_instance_lock
from .backup import DATA, MANIFEST
from .manifest import ManifestEntry, RestoreError, check_relative, printable, read_manifest

__all__ = ["RestoreError", "RestoreResult", "read_manifest", "restore_backup", "unpack_checked"]


CHUNK = 1 << 20
FILE_MODE, FOLDER_MODE = 0o600, 0o700  # the archive's modes and owners are never applied
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@dataclass(frozen=True)
class RestoreResult:
    data_dir: Path
    files: int
    replaced: Path | None  # where the previous data folder was moved, if there was one


def _safe_name(name: str) -> str:
    """The data-relative path of an archive member, or a RestoreError for anything that could escape.

    >>> _safe_name("data/db/rooms.json")
    'db/rooms.json'
    >>> _safe_name("data/../../etc/passwd")
    Traceback (most recent call last):
    ...
    sts_snapshots.ops.manifest.RestoreError: unsafe path in the archive: data/../../etc/passwd
    """
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or path.parts[:1] != (DATA,) or len(path.parts) < 2:
        raise RestoreError(f"unsafe path in the archive: {printable(name)}")
    relative = PurePosixPath(*path.parts[1:]).as_posix()
    if check_relative(relative):
        raise RestoreError(f"unsafe path in the archive: {printable(name)}")
    return relative


def _real_folder(path: Path) -> None:
    """Make ``path`` a folder (mode 0700), refusing anything already there that is not a real folder."""
    try:
        os.mkdir(path, FOLDER_MODE)
    except FileExistsError:
        pass
    if not stat.S_ISDIR(os.lstat(path).st_mode):
        raise RestoreError(f"the archive puts a file where a folder belongs: {printable(path.name)}")
    os.chmod(path, FOLDER_MODE)  # a real folder (lstat above), in a staging folder only we can write


def _folders(target: Path, parts: tuple[str, ...]) -> Path:
    """Create ``target/part/part/...`` one folder at a time, each a real folder (never a link)."""
    folder = target
    for part in parts:
        folder = folder / part
        _real_folder(folder)
    return folder


def _write_member(source: IO[bytes], out: Path, entry: ManifestEntry) -> str:
    """Stream one member to ``out`` (a new file, mode 0600, never through a link); returns its SHA-256.

    The manifest's size is a hard limit: reading stops at the first byte beyond it.
    """
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
    digest = hashlib.sha256()
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), FILE_MODE)
        left = entry.size
        while chunk := source.read(min(CHUNK, left + 1)):
            if len(chunk) > left:
                raise RestoreError(f"the archive is damaged: {printable(entry.path)} is larger than its manifest "
                                   f"says ({entry.size} bytes)")
            left -= len(chunk)
            digest.update(chunk)
            handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())
    if left:
        raise RestoreError(f"the archive is damaged: {printable(entry.path)} is shorter than its manifest says")
    return digest.hexdigest()


def _unpack_member(tar: tarfile.TarFile, member: tarfile.TarInfo, expected: dict[str, ManifestEntry],
                   seen: set[str], target: Path) -> None:
    name = _safe_name(member.name)
    if not member.isfile():
        raise RestoreError(f"the archive holds a link or device, not a file: {printable(member.name)}")
    entry = expected.get(name)
    if entry is None:
        raise RestoreError(f"the archive holds a file its manifest does not list: {printable(name)}")
    if name in seen:
        raise RestoreError(f"the archive holds {printable(name)} twice")
    if member.size != entry.size:  # refused before a byte is written
        raise RestoreError(f"the archive is damaged: {printable(name)} is {member.size} bytes, its manifest "
                           f"says {entry.size}")
    source = tar.extractfile(member)
    assert source is not None
    parts = PurePosixPath(name).parts
    if _write_member(source, _folders(target, parts[:-1]) / parts[-1], entry) != entry.sha256:
        raise RestoreError(f"the archive is damaged: {printable(name)} does not match its SHA-256")
    seen.add(name)


def unpack_checked(archive: Path, target: Path) -> int:
    """Unpack the archive's data into the new folder ``target``, checking every file against the manifest.

    Every file is written 0600 and every folder 0700, whatever the archive says; nothing is written through a
    link, and every folder on the way is a real folder inside ``target``.
    """
    expected = read_manifest(archive)
    seen: set[str] = set()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if member.name != MANIFEST and not member.isdir():
                    _unpack_member(tar, member, expected, seen, target)
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise RestoreError(f"{archive} is damaged ({printable(str(exc))})") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise RestoreError(f"the archive is damaged: {len(missing)} listed file(s) missing, e.g. "
                           f"{printable(missing[0])}")
    return len(seen)


def _prepare(staging: Path) -> None:
    """The folders a backup holds no file of (logs/, .nicegui/, an empty documents/), as a server makes them."""
    layout = DataLayout(staging)
    try:
        for folder in layout.folders()[1:]:
            _folders(staging, folder.relative_to(staging).parts)
        layout.prepare()
    except DataDirError as exc:
        raise RestoreError(str(exc)) from None
    except OSError as exc:
        raise RestoreError(f"cannot prepare {staging}: {exc.strerror or exc}") from None


def restore_backup(archive: Path, data_dir: Path) -> RestoreResult:
    """Restore ``archive`` into ``data_dir``; the previous folder is kept as ``<data_dir>.replaced-<time>``.

    :raises RestoreError: damaged archive, or a server is using the data folder. Nothing is changed then.
    """
    data_dir = data_dir.resolve()
    lock = None
    if data_dir.exists():
        try:
            lock = acquire_instance_lock(DataLayout(data_dir))
        except AlreadyRunning as exc:
            raise RestoreError(f"{exc} Restoring over a running server's data is refused.") from None
        except OSError as exc:
            raise RestoreError(f"cannot use {data_dir}: {exc.strerror or exc}") from None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    staging = data_dir.with_name(f"{data_dir.name}.restoring-{stamp}")
    try:
        try:
            staging.parent.mkdir(parents=True, exist_ok=True)
            os.mkdir(staging, FOLDER_MODE)  # fails on anything already there, a planted link included
            os.chmod(staging, FOLDER_MODE)
        except OSError as exc:
            raise RestoreError(f"cannot create {staging}: {exc.strerror or exc}") from None
        count = unpack_checked(archive, staging)
        _prepare(staging)
        replaced = None
        if data_dir.exists():
            replaced = data_dir.with_name(f"{data_dir.name}.replaced-{stamp}")
            data_dir.rename(replaced)
        staging.rename(data_dir)
        return RestoreResult(data_dir=data_dir, files=count, replaced=replaced)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if lock is not None:
            lock.close()
