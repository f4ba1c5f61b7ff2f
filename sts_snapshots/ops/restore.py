"""``sts-snapshots restore``: check every hash, then swap the restored folder in and keep the old one aside.

Nothing in the data folder changes unless the whole archive checks out: it is unpacked into a new folder
beside the data folder first, and only then are the two folders renamed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..datadir import DataDirError, DataLayout
from ..datadir.lock import AlreadyRunning, acquire_instance_lock
from .backup import DATA, FORMAT, MANIFEST


class RestoreError(RuntimeError):
    """The archive cannot be restored; the message says why. The data folder was not changed."""


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
    sts_snapshots.ops.restore.RestoreError: unsafe path in the archive: data/../../etc/passwd
    """
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or path.parts[:1] != (DATA,) or len(path.parts) < 2:
        raise RestoreError(f"unsafe path in the archive: {name}")
    return PurePosixPath(*path.parts[1:]).as_posix()


def read_manifest(archive: Path) -> dict[str, Any]:
    """The archive's manifest; RestoreError when the file is not a readable STS Snapshots backup."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.getmember(MANIFEST)
            handle = tar.extractfile(member)
            manifest = json.loads(handle.read()) if handle else None
    except FileNotFoundError:
        raise RestoreError(f"no such file: {archive}") from None
    except KeyError:
        raise RestoreError(f"{archive} is not an STS Snapshots backup (it has no {MANIFEST})") from None
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise RestoreError(f"{archive} is damaged or not a .tar.gz backup ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"),
                                                                                                list):
        raise RestoreError(f"{archive} is not an STS Snapshots backup (unknown manifest)")
    return manifest


def unpack_checked(archive: Path, target: Path) -> int:
    """Unpack the archive's data into the new folder ``target``, checking every file against the manifest."""
    expected = {f["path"]: f for f in read_manifest(archive)["files"]}
    seen: set[str] = set()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if member.name == MANIFEST or member.isdir():
                    continue
                name = _safe_name(member.name)
                if not member.isfile():
                    raise RestoreError(f"the archive holds a link or device, not a file: {member.name}")
                if name not in expected:
                    raise RestoreError(f"the archive holds a file its manifest does not list: {name}")
                source = tar.extractfile(member)
                assert source is not None
                out = target / name
                out.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with out.open("wb") as handle:
                    while chunk := source.read(1 << 20):
                        digest.update(chunk)
                        handle.write(chunk)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(out, member.mode & 0o777 or 0o600)
                if digest.hexdigest() != expected[name]["sha256"]:
                    raise RestoreError(f"the archive is damaged: {name} does not match its SHA-256")
                seen.add(name)
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise RestoreError(f"{archive} is damaged ({exc})") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise RestoreError(f"the archive is damaged: {len(missing)} listed file(s) missing, e.g. {missing[0]}")
    return len(seen)


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
        staging.mkdir(parents=True)
        count = unpack_checked(archive, staging)
        try:  # the folders a backup holds no file of (logs/, .nicegui/, an empty documents/), as a server makes them
            DataLayout(staging).prepare()
        except DataDirError as exc:
            raise RestoreError(str(exc)) from None
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
