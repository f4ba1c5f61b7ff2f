"""``sts-snapshots verify``: the deployment guide's final checklist, as code, read-only.

Each check returns a :class:`Check` (passed, name, detail); the command prints ✓/✗ per check and exits 0 only
when every check passed.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ..datadir import DataLayout
from ..datadir.marker import last_start, since_start
from ..domain.chain import first_break, heads
from ..domain.ids import task_id_for
from ..domain.urls import API_PREFIX
from ..store import Database, StoreSetupError, StoreUnavailable
from ..store.stores import Stores
from .backup import file_sha256, store_files
from .migrate import MigrateError, export_records

LIVE_TASK = ("pending", "running")


@dataclass(frozen=True)
class Check:
    passed: bool
    name: str
    detail: str = ""


def _records(path: Path, table: str) -> list[dict[str, Any]]:
    """The records of one TinyDB table, read under the store's lock without opening it for writing."""
    if not path.exists():
        return []
    with Database.file_lock(path):
        data = orjson.loads(path.read_bytes() or b"{}")  # parsed as the server parses it
    return list((data.get(table) or {}).values())


def _snapshot_records(layout: DataLayout) -> list[dict[str, Any]]:
    """Every snapshot record: the per-room files, and a single snapshots.json not yet split (an older folder)."""
    files = [layout.db / "snapshots.json", *sorted(layout.snapshot_records.glob("*.json"))]
    return [record for path in files for record in _records(path, "snapshots")]


def check_stores(layout: DataLayout) -> Check:
    """Every store file parses. Stores are created on their first write, so a missing one is only noted."""
    bad = []
    for path in store_files(layout):
        try:
            with Database.file_lock(path):
                orjson.loads(path.read_bytes() or b"{}")
        except (OSError, ValueError) as exc:
            bad.append(f"{path.relative_to(layout.root)}: {exc}")
    unused = [name for name, found in (("users", (layout.db / "users.json").exists()),
                                       ("rooms", any(layout.room_records.glob("*.json")))) if not found]
    detail = "; ".join(bad) or f"{len(store_files(layout))} TinyDB files parse" + (
        f" (not created yet: {', '.join(unused)})" if unused else "")
    return Check(not bad, "stores readable", detail)


def check_folders(layout: DataLayout) -> Check:
    bad = []
    for folder in layout.folders():
        try:
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            bad.append(f"{folder}: {exc.strerror or exc}")
    return Check(not bad, "folders present and writable", "; ".join(bad) or f"{len(layout.folders())} folders")


def check_disk(layout: DataLayout, min_free_mb: int) -> Check:
    free_mb = shutil.disk_usage(layout.root).free // (1024 * 1024)
    return Check(free_mb >= min_free_mb, "free disk space", f"{free_mb} MB free (minimum {min_free_mb} MB)")


def check_snapshot_files(layout: DataLayout) -> Check:
    problems, completed = [], 0
    for snap in _snapshot_records(layout):
        if snap.get("status") != "completed":
            continue
        completed += 1
        path = layout.snapshots / f"{snap['id']}.pdf"
        if not path.exists():
            problems.append(f"{snap['id']} missing")
        elif file_sha256(path) != snap.get("sha256"):
            problems.append(f"{snap['id']} does not match its SHA-256 (tampered or damaged)")
    detail = "; ".join(problems) or f"{completed} completed snapshot files match their SHA-256"
    return Check(not problems, "snapshot files intact", detail)


def check_stuck(layout: DataLayout) -> Check:
    files = [layout.tasks / "tasks.json", *sorted(layout.task_records.glob("*.json"))]  # an older folder: one file
    tasks = {t["task_id"]: t for path in files for t in _records(path, "tasks") if "task_id" in t}
    stuck = [s["id"] for s in _snapshot_records(layout)
             if s.get("status") == "generating"
             and tasks.get(task_id_for(s["id"]), {}).get("status") not in LIVE_TASK]
    detail = (f"generating with no live task: {', '.join(stuck)}" if stuck
              else "every generating snapshot has a pending or running task")
    return Check(not stuck, "no stuck snapshots", detail)


def check_log(layout: DataLayout) -> Check:
    if not layout.log_file.exists():
        return Check(True, "no errors in the log", "no log yet")
    started_at = last_start(layout)
    since = since_start(layout.log_file.read_text(encoding="utf-8", errors="replace").splitlines(), started_at)
    errors = [line for line in since if " ERROR " in line or " CRITICAL " in line]
    detail = f"{len(errors)} ERROR line(s) since the last start, e.g. {errors[0][:160]}" if errors else (
        "none since the last start" if started_at else "none (no server start recorded yet)")
    return Check(not errors, "no errors in the log", detail)


def _audit_lines(path: Path) -> list[dict[str, Any]]:
    found = []
    for line in path.read_bytes().splitlines():
        try:
            found.append(orjson.loads(line))
        except orjson.JSONDecodeError:
            continue  # a line cut off by a crash (the log skips it too)
    return found


def check_activity_chains(layout: DataLayout) -> Check:
    """Every room's activity chains hold; names the room and the first entry that does not match."""
    rooms = {p.stem for p in layout.activity.glob("*.json")} | {p.stem for p in layout.audit.glob("*.jsonl")}
    problems, chained, waiting, notes = [], 0, 0, []
    for room in sorted(rooms):
        entries = [*_records(layout.activity / f"{room}.json", "activity")]
        if (layout.audit / f"{room}.jsonl").exists():
            entries += _audit_lines(layout.audit / f"{room}.jsonl")
        if not any("hash" in e for e in entries):
            waiting += 1  # written before chains existed: chained at the next start
            continue
        loose = [e for e in entries if "hash" not in e]
        broken = first_break(entries)
        if loose:
            problems.append(f"room {room}: entry {loose[0].get('id')} is not in any chain (added by hand?)")
        elif broken:
            problems.append(f"room {room}: entry {broken[1]} of origin {broken[0]} {broken[2]}")
        else:
            chained += 1
            notes += [f"room {room}: {head.label()}" for head in heads(entries) if head.migrated_count]
    detail = "; ".join(problems) or (f"{chained} rooms' activity chains hold"
                                     + (f" ({waiting} not chained yet: at the next start)" if waiting else "")
                                     + (f"; {'; '.join(notes[:3])}" if notes else ""))
    return Check(not problems, "activity log chains intact", detail)


def check_health(url: str, timeout: float = 5) -> Check:
    target = f"{url.rstrip('/')}{API_PREFIX}/health"
    try:
        with urllib.request.urlopen(target, timeout=timeout) as response:
            body = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Check(False, "server answers /api/v1/health", f"{target}: {getattr(exc, 'reason', exc)}")
    ok = body.get("status") == "ok"
    return Check(ok, "server answers /api/v1/health",
                 f"status {body.get('status')}, version {body.get('version')}, up {body.get('uptime_s')} s")


def run_checks(layout: DataLayout, *, min_free_mb: int, url: str | None = None,
               node: DataLayout | None = None) -> list[Check]:
    """The checklist on ``layout``; ``node``: the node's own folder (its log), when ``layout`` is the distributed
    mode's records exported into a temporary folder whose files are the shared folder."""
    if not layout.db.is_dir():
        return [Check(False, "data folder", f"{layout.root} is not an STS Snapshots data folder (no db/)")]
    node = node or layout
    checks: list[Callable[[], Check]] = [
        lambda: check_stores(layout), lambda: check_folders(node if node is not layout else layout),
        lambda: check_disk(node, min_free_mb),
        lambda: check_snapshot_files(layout), lambda: check_activity_chains(layout), lambda: check_stuck(layout),
        lambda: check_log(node),
    ]
    if url:
        checks.append(lambda: check_health(url))
    return [check() for check in checks]


def run_distributed_checks(database_url: str, node: DataLayout, *, min_free_mb: int,
                           url: str | None = None) -> list[Check]:
    """The checklist of a node of the distributed mode: the records read from PostgreSQL into a temporary folder
    (the database is reached, every record counted) and checked there, the snapshot files where they are in the
    shared folder (linked, only read), and the node's own folders, disk and log."""
    where = database_url.rsplit("@", 1)[-1]  # never the password
    try:
        stores = Stores.on_postgres(database_url)
    except StoreSetupError as exc:
        return [Check(False, "database reachable", str(exc))]
    with tempfile.TemporaryDirectory(prefix="sts-verify-") as folder:
        records = DataLayout(Path(folder) / "data")
        try:
            result = export_records(stores, records)
        except (MigrateError, StoreUnavailable) as exc:
            return [Check(False, "database reachable", f"{where}: {exc}")]
        finally:
            stores.close()
        for shared in (node.documents, node.snapshots):
            copy = records.uploads / shared.name
            shutil.rmtree(copy, ignore_errors=True)
            copy.symlink_to(shared, target_is_directory=True)
        first = Check(True, "database reachable", f"{where}: {result.total_records} records read")
        return [first, *run_checks(records, min_free_mb=min_free_mb, url=url, node=node)]
