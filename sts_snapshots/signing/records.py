"""This installation's record of a snapshot, read from the data folder (no server needed, read-only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from ..datadir import DataLayout
from ..domain.ids import is_id
from ..store import Database

SUBJECT_PREFIX = "STS clearance snapshot "  # the assembly writes /Subject = "STS clearance snapshot <id>"


def snapshot_id_of(subject: str | None) -> str | None:
    """The snapshot id a PDF's ``/Subject`` names, or None.

    >>> snapshot_id_of("STS clearance snapshot 3f2a"), snapshot_id_of("Minutes")
    ('3f2a', None)
    >>> snapshot_id_of("STS clearance snapshot ../x") is None
    True
    """
    if not subject or not subject.startswith(SUBJECT_PREFIX):
        return None
    found = subject[len(SUBJECT_PREFIX):].strip()
    return found if is_id(found) else None


def snapshot_sha256(layout: DataLayout, snapshot_id: str) -> str | None:
    """The SHA-256 this installation recorded for the completed snapshot ``snapshot_id``, or None if it has none."""
    files = [layout.db / "snapshots.json", *sorted(layout.snapshot_records.glob("*.json"))]
    for path in files:
        for record in _records(path):
            if record.get("id") == snapshot_id and record.get("status") == "completed":
                return str(record.get("sha256") or "") or None
    return None


def _records(path: Path) -> list[dict[str, Any]]:
    """The snapshot records of one TinyDB file, read under the store's lock (the server may be writing it)."""
    if not path.exists():
        return []
    try:
        with Database.file_lock(path):
            data = orjson.loads(path.read_bytes() or b"{}")
    except (OSError, ValueError):
        return []
    table = data.get("snapshots") if isinstance(data, dict) else None
    return [r for r in (table or {}).values() if isinstance(r, dict)]
