"""``sts-snapshots migrate --to postgresql://…``: an embedded data folder into the distributed mode.

Every store's records go into PostgreSQL in one transaction (all or nothing); the uploads (documents, snapshot
PDFs, the PDF cache's bodies) into the shared files folder, each written atomically; the secret key, the
installation id and the signing identity into the node's secrets folder (0600). Then everything is checked:
the record count of every table, shard and log read back from PostgreSQL, and every file's SHA-256. The
embedded folder is only read. The per-node metrics stay behind (each node keeps its own).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..datadir import DataLayout
from ..datadir.atomic import atomic_write_bytes
from ..store.stores import Stores
from .backup import file_sha256

SKIPPED_UPLOADS = (".tasks",)  # a store in the embedded layout (migrated as records), not an upload
STORE_FILES = ("index.json", "index.json.lock")  # the PDF cache's index: a store, migrated as records


class MigrateError(RuntimeError):
    """The migration cannot be done or did not check out; the message says which and what to do."""


@dataclass
class MigrateResult:
    records: dict[str, int] = field(default_factory=dict)  # "store.table" (or "store[shards]") -> records copied
    files: int = 0
    bytes: int = 0
    secrets: list[str] = field(default_factory=list)

    @property
    def total_records(self) -> int:
        return sum(self.records.values())


DATABASES = ("users", "cache_index", "checklists")  # the Stores fields of several tables
SHARDED = ("activity", "snapshots", "tasks")  # one table split per room (the tasks: per hashed id)
SHARDED_DATABASES = ("rooms", "room_checklists")  # several tables split per room
LOGS = ("audit",)  # append-only, per room


def _names(source: Stores) -> list[tuple[str, str]]:
    """(store, table) of every table of ``source`` that holds records."""
    return [(store, table) for store in DATABASES for table in sorted(getattr(source, store).table_names())]


def _shard_tables(source: Stores) -> list[tuple[str, str, list[str]]]:
    """(store, key, its tables that hold records) of every shard of the sharded databases of ``source``."""
    found = []
    for store in SHARDED_DATABASES:
        shards = getattr(source, store)
        found += [(store, key, sorted(shards.database(key).table_names())) for key in shards.keys()]
    return found


def counts(stores: Stores, like: Stores | None = None) -> dict[str, int]:
    """Records per table, per sharded store and per log of ``stores`` (the tables and keys of ``like``)."""
    like = like or stores
    found = {f"{store}.{table}": getattr(stores, store).table(table).count() for store, table in _names(like)}
    for name in SHARDED:
        found[f"{name}[shards]"] = sum(getattr(stores, name).shard(key).count() for key in getattr(like, name).keys())
    for store, key, tables in _shard_tables(like):
        database = getattr(stores, store).database(key)
        for table in tables:
            name = f"{store}[shards].{table}"
            found[name] = found.get(name, 0) + database.table(table).count()
    for name in LOGS:
        found[f"{name}[logs]"] = sum(len(getattr(stores, name).read(key)) for key in getattr(like, name).keys())
    return found


def copy_records(source: Stores, target: Stores) -> None:
    """Every record of ``source`` into ``target`` (any backends; ``target`` empty), in the order they were added."""
    for store, table in _names(source):
        records = getattr(source, store).table(table).all()
        if records:
            getattr(target, store).table(table).insert_many(records)
    for name in SHARDED:
        shards = getattr(source, name)
        for key in shards.keys():
            records = shards.shard(key).all()
            if records:
                getattr(target, name).shard(key).insert_many(records)
    for store, key, tables in _shard_tables(source):
        origin, copy = getattr(source, store).database(key), getattr(target, store).database(key)
        with copy.batch():  # a room's tables in one write of its file (TinyDB), not one per table
            for table in tables:
                records = origin.table(table).all()
                if records:
                    copy.table(table).insert_many(records)
    for name in LOGS:
        log = getattr(source, name)
        for key in log.keys():
            records = log.read(key)
            if records:
                getattr(target, name).rewrite(key, records)


def checked_copy(source: Stores, target: Stores) -> dict[str, int]:
    """:func:`copy_records` in one transaction of ``target``, then the counts compared; returns them."""
    expected = counts(source)
    with target.transaction():
        copy_records(source, target)
    copied = counts(target, like=source)
    wrong = {name: (expected[name], copied.get(name)) for name in expected if copied.get(name) != expected[name]}
    if wrong:
        raise MigrateError("record counts differ after the copy (table: source, copy): "
                           + ", ".join(f"{n}: {a}, {b}" for n, (a, b) in sorted(wrong.items())))
    return expected


def _uploads(root: Path) -> list[Path]:
    """The files of an uploads folder ``root`` (documents, snapshot PDFs, cache bodies), not the stores in it."""
    found = []
    for path in sorted(root.rglob("*")) if root.is_dir() else []:
        relative = path.relative_to(root)
        if path.is_file() and relative.parts[0] not in SKIPPED_UPLOADS and path.name not in STORE_FILES:
            found.append(path)
    return found


def _copy_file(source: Path, target: Path) -> tuple[int, str]:
    """Write ``source``'s bytes to ``target`` atomically; their size and SHA-256."""
    data = source.read_bytes()
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(target, data)
    return len(data), hashlib.sha256(data).hexdigest()


def _secrets(root: Path) -> list[Path]:
    """The secret key, the installation id and the signing identity's files in the secrets folder ``root``."""
    found = [root / "secret.key", root / "installation.id"]
    signing = root / "signing"
    found += sorted(p for p in signing.rglob("*") if p.is_file()) if signing.is_dir() else []
    return [p for p in found if p.is_file()]


def migrate(source_dir: Path, target: Stores, files_dir: Path, secrets_dir: Path,
            progress: Callable[[str], Any] = lambda _: None) -> MigrateResult:
    """Copy the embedded data folder ``source_dir`` into ``target`` (PostgreSQL stores), ``files_dir`` and
    ``secrets_dir``, then check counts and digests.

    :raises MigrateError: the source is not a data folder, the target already holds records, or a check failed.
    """
    layout = DataLayout(source_dir)
    if not (layout.db / "users.json").is_file():
        raise MigrateError(f"{source_dir} is not an STS Snapshots data folder (no db/users.json)")
    if target.users.table("users").count():
        raise MigrateError("the target database already holds users: migrate into a new, empty database")
    source = Stores.open(layout)
    try:
        progress(f"{sum(counts(source).values())} records")
        copied = checked_copy(source, target)
        result = MigrateResult(records=copied)
        uploads_root = layout.root / "uploads"
        uploads = _uploads(uploads_root)
        progress(f"{len(uploads)} files to {files_dir}")
        digests = {}
        for path in uploads:
            size, digests[path] = _copy_file(path, files_dir / path.relative_to(uploads_root))
            result.bytes += size
            result.files += 1
        for path in uploads:  # read back once all are written
            copy = files_dir / path.relative_to(uploads_root)
            if file_sha256(copy) != digests[path]:
                raise MigrateError(f"{copy} does not have the SHA-256 of {path}: copy it again (migrate is safe to "
                                   "rerun into an empty database)")
        secrets_dir.mkdir(parents=True, exist_ok=True)
        if os.name == "posix":
            os.chmod(secrets_dir, 0o700)
        for path in _secrets(layout.root):
            copy = secrets_dir / path.relative_to(layout.root)
            copy.parent.mkdir(parents=True, exist_ok=True)
            if os.name == "posix":
                os.chmod(copy.parent, 0o700)
            shutil.copyfile(path, copy)
            if os.name == "posix":
                os.chmod(copy, 0o600)
            if file_sha256(copy) != file_sha256(path):
                raise MigrateError(f"{copy} does not have the SHA-256 of {path}")
            result.secrets.append(str(path.relative_to(layout.root)))
        return result
    finally:
        source.close()


def export_records(stores: Stores, out: DataLayout) -> MigrateResult:
    """Every record of ``stores`` into the TinyDB files of ``out`` (read in one transaction, counts checked)."""
    out.prepare()
    copy = Stores.open(out)
    try:
        with stores.transaction():
            return MigrateResult(records=checked_copy(stores, copy))
    finally:
        copy.close()


def export_folder(stores: Stores, layout: DataLayout, target: Path) -> MigrateResult:
    """The distributed mode's records, files and secrets as an embedded data folder ``target`` (what ``backup``
    archives in that mode; ``restore`` gives it back as a data folder, ``migrate`` moves it into a new database).

    The records are read in one transaction; the counts are checked after the copy.
    """
    out = DataLayout(target)
    result = export_records(stores, out)
    for path in _uploads(layout.uploads):
        result.bytes += _copy_file(path, out.root / "uploads" / path.relative_to(layout.uploads))[0]
        result.files += 1
    for path in _secrets(layout.secrets):
        relative = path.relative_to(layout.secrets)
        _copy_file(path, out.root / relative)
        result.secrets.append(str(relative))
    return result
