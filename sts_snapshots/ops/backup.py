"""``sts-snapshots backup``: one .tar.gz of the data folder with a SHA-256 manifest, safe while the server runs.

Store files (every TinyDB file, the hourly metrics shards included) are read under their store locks (the
running server's writers wait a moment), before any uploaded or snapshot file: stores refer to files, files
never refer to stores, and files are written before the records that name them, so every record in the
backup finds its file. The app replaces files atomically and never writes into one in place, so each other
file is streamed from one open handle, and its size, bytes and SHA-256 all come from that same version.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .. import __version__
from ..datadir import DataLayout
from ..domain.time import now_iso
from ..store import Database

MANIFEST = "MANIFEST.json"
DATA = "data"
FORMAT = "sts-snapshots-backup"
SKIPPED_NAMES = {"server.lock"}
SKIPPED_SUFFIXES = (".lock", ".tmp")
ARCHIVE_MODE = 0o600  # it holds secret.key, the signing keys and the password hashes
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class BackupError(RuntimeError):
    """The backup cannot be written where asked; the message (one line) says why. Nothing was written."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    files: int
    data_bytes: int
    archive_bytes: int


def default_name(now: float | None = None) -> str:
    """``sts-snapshots-backup-YYYYmmdd-HHMMSS.tar.gz`` (local time).

    >>> default_name(0).startswith("sts-snapshots-backup-19")
    True
    """
    return time.strftime("sts-snapshots-backup-%Y%m%d-%H%M%S.tar.gz", time.localtime(now))


def store_files(layout: DataLayout) -> list[Path]:
    """The TinyDB files of a data folder (what must be copied under a lock)."""
    fixed = [p for p in (layout.tasks / "tasks.json", layout.pdf_cache / "index.json") if p.exists()]
    sharded = (layout.snapshot_records, layout.activity, layout.room_records, layout.checklist_records,
               layout.task_records)  # one file per room (per hashed id for the tasks)
    return (sorted(layout.db.glob("*.json")) + [p for folder in sharded for p in sorted(folder.glob("*.json"))]
            + fixed + sorted(layout.metrics.glob("metrics-*.json")))


def blob_files(layout: DataLayout, include_cache: bool) -> list[Path]:
    """Every other file worth keeping: documents, snapshots, the audit logs, the secret key, the installation id,
    the signing CA and certificates with their keys (and the PDF cache)."""
    stores = set(store_files(layout))
    found = [path for path in (layout.secret_file, layout.installation_id_file) if path.exists()]
    found += [path for path in sorted(layout.signing.glob("*")) if path.is_file() and not path.is_symlink()
              and not path.name.endswith(SKIPPED_SUFFIXES) and not path.name.startswith(".")]
    found += sorted(layout.audit.glob("*.jsonl"))  # append-only: a line being added meanwhile is skipped on reading
    for path in sorted(layout.uploads.rglob("*")):
        if not path.is_file() or path.is_symlink() or path in stores:
            continue
        if path.name in SKIPPED_NAMES or path.name.endswith(SKIPPED_SUFFIXES) or path.name.startswith(".tmp"):
            continue
        if not include_cache and layout.pdf_cache in path.parents:
            continue
        found.append(path)
    return found


def _locked_read(path: Path) -> bytes | None:
    """The bytes of a store file, read while holding its store lock (writers wait; see store.database).

    None when the file went since it was listed (an old metrics shard the nightly cleanup removed).
    """
    with Database.file_lock(path):
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None


def _entries(layout: DataLayout, include_cache: bool) -> Iterator[tuple[str, Path, bool]]:
    """(archive name, file, is a store) for every file to keep, stores first."""
    for path in store_files(layout):
        yield path.relative_to(layout.root).as_posix(), path, True
    for path in blob_files(layout, include_cache):
        yield path.relative_to(layout.root).as_posix(), path, False


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o600) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, int(time.time())
    tar.addfile(info, io.BytesIO(data))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """A file handle that hashes what tarfile reads from it, so the manifest describes the archived bytes."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> tuple[int, str] | None:
    """Add ``path`` to the archive; returns (size, sha256), or None when it was removed since it was listed.

    One open handle gives the size, the bytes and the hash: a file replaced meanwhile (``os.replace``) is
    archived as the version that was opened, never as a mix of two versions.
    """
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return None
    with handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = stat.st_size, 0o600, int(stat.st_mtime)
        reader = _HashingReader(handle)
        tar.addfile(info, reader)  # type: ignore[arg-type]
    return stat.st_size, reader.digest.hexdigest()


def create_backup(layout: DataLayout, output: Path, *, include_cache: bool = False,
                  progress: Callable[[int, int], None] | None = None) -> BackupResult:
    """Write the archive to ``output`` (through a temporary name, so a failed backup leaves nothing).

    :param progress: called with (files done, files total) after each file.
    The archive is created 0600 (it holds ``secret.key`` and the password hashes), and neither ``output`` nor
    its temporary ``<output>.partial`` is ever written through a symbolic link.

    :raises FileNotFoundError: the data folder has no stores.
    :raises BackupError: ``output`` is a link, or ``<output>.partial`` already exists.
    """
    if not layout.db.is_dir():
        raise FileNotFoundError(f"{layout.root} is not an STS Snapshots data folder (no db/ folder)")
    if output.is_symlink():
        raise BackupError(f"{output} is a symbolic link; refusing to write through it")
    entries = list(_entries(layout, include_cache))
    partial = output.with_name(output.name + ".partial")
    try:  # a new file only (never through a link, never an existing file), readable by its owner only
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | os.O_CLOEXEC, ARCHIVE_MODE)
    except FileExistsError:
        raise BackupError(f"{partial} already exists (a link, or left by an interrupted backup); "
                          f"remove it and try again") from None
    try:
        with os.fdopen(fd, "wb") as raw:
            os.fchmod(raw.fileno(), ARCHIVE_MODE)
            files, total = _write_archive(raw, layout, entries, include_cache, progress)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, output)  # replaces a link planted at output meanwhile, never follows it
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path=output, files=len(files), data_bytes=total, archive_bytes=output.stat().st_size)


def _write_archive(raw: BinaryIO, layout: DataLayout, entries: list[tuple[str, Path, bool]], include_cache: bool,
                   progress: Callable[[int, int], None] | None) -> tuple[list[dict[str, object]], int]:
    """Write the .tar.gz (every file, then the manifest) to ``raw``; returns the manifest's files and their bytes."""
    files: list[dict[str, object]] = []
    total = 0
    with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
        for done, (name, path, is_store) in enumerate(entries, start=1):
            member = f"{DATA}/{name}"
            added: tuple[int, str] | None
            if is_store:
                content = _locked_read(path)
                if content is not None:
                    _add_bytes(tar, member, content)
                added = None if content is None else (len(content), hashlib.sha256(content).hexdigest())
            else:
                added = _add_file(tar, member, path)
            if progress:
                progress(done, len(entries))
            if added is None:  # removed since listing (a deleted snapshot, an evicted cache entry)
                continue
            files.append({"path": name, "size": added[0], "sha256": added[1]})
            total += added[0]
        manifest = {"format": FORMAT, "format_version": 1, "app_version": __version__, "created_at": now_iso(),
                    "source": str(layout.root), "include_cache": include_cache, "files": files}
        _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode())
    return files, total
