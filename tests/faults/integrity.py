"""What must hold in a data folder after any fault: stores parse, snapshot PDFs are whole and as recorded."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pypdf import PdfReader


def tinydb_files(data_dir: Path) -> list[Path]:
    """Every TinyDB JSON file of the data folder (NiceGUI's own storage in ``.nicegui`` is not ours)."""
    return sorted(p for p in data_dir.rglob("*.json") if ".nicegui" not in p.relative_to(data_dir).parts)


def assert_stores_parse(data_dir: Path) -> dict[str, dict[str, Any]]:
    """``json.load`` every store file; returns the snapshot records by id."""
    files = tinydb_files(data_dir)
    assert files, f"no store files in {data_dir}"
    snapshots: dict[str, dict[str, Any]] = {}
    for path in files:
        try:
            with path.open("rb") as handle:
                data = json.load(handle)
        except (ValueError, UnicodeDecodeError) as exc:
            raise AssertionError(f"{path} does not parse after the fault: {exc}") from None
        assert isinstance(data, dict), f"{path}: the top level is not an object"
        if path.parent == data_dir / "db" / "snapshots":  # one file per room
            snapshots |= {r["id"]: r for r in data.get("snapshots", {}).values()}
    return snapshots


def assert_pdfs_whole(data_dir: Path, *, settled: bool) -> dict[str, dict[str, Any]]:
    """Every PDF in uploads/snapshots parses; a completed snapshot's PDF has its recorded SHA-256 and pages.

    ``settled``: no generation is under way, so every PDF must belong to a completed snapshot
    (a crashed run may leave the PDF of a snapshot that was still ``generating``; recovery redoes it).
    Returns the snapshot records by id.
    """
    records = assert_stores_parse(data_dir)
    folder = data_dir / "uploads" / "snapshots"
    temporary = sorted(p.name for p in folder.glob(".*.tmp"))
    if settled:
        assert not temporary, f"temporary files left in {folder}: {temporary}"
    for path in sorted(folder.glob("*.pdf")):
        data = path.read_bytes()
        try:
            pages = len(PdfReader(path).pages)
        except Exception as exc:
            raise AssertionError(f"{path.name} ({len(data)} bytes) is not a whole PDF: {exc!r}") from None
        assert pages > 0, path
        record = records.get(path.stem)
        if record is None or record["status"] != "completed":
            assert not settled, f"{path.name} belongs to no completed snapshot: {record}"
            continue
        assert hashlib.sha256(data).hexdigest() == record["sha256"], f"{path.name} differs from its recorded SHA-256"
        assert pages == record["pages"], f"{path.name}: {pages} pages, recorded {record['pages']}"
    for record in records.values():
        if record["status"] == "completed":
            assert (folder / f"{record['id']}.pdf").is_file(), f"completed snapshot {record['id']} has no PDF"
    return records
