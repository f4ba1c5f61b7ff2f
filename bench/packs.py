"""Item ``packs``: what a room pack costs (issue 19): export and import time, and the pack's size.

In-process, through the functions the CLI and the API call (``export_pack``, ``import_pack``): the demo room and
the 200-document room of the template data folder are exported to a file, then imported into a new installation
of their own (an empty data folder, its signer's CA trusted by the import, as ``room import --trust``). Median of
several runs; each import goes into a fresh folder, so every file is written.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from sts_snapshots.demo import ADMIN_EMAIL

from .machine import describe_machine
from .report import Section, table
from .setup_data import open_app
from .stats import median
from .workspace import Workspace


def measure(ws: Workspace, reps: int) -> dict[str, dict[str, float]]:
    from sts_snapshots.packs.export import export_pack
    from sts_snapshots.packs.importer import import_pack

    data = ws.fresh()
    sts = open_app(data)
    results: dict[str, dict[str, float]] = {}
    scratch = Path(tempfile.mkdtemp(prefix="sts-bench-packs-"))
    try:
        admin = sts.users.get(ADMIN_EMAIL)
        assert admin is not None
        for label, key in (("demo room", "demo"), ("200-document room", "docs200")):
            if key not in ws.rooms:
                continue
            room_id = ws.rooms[key]
            pack = scratch / f"{key}.stsroom"
            exports, imports = [], []
            summary: Any = None
            for _ in range(reps):
                started = time.perf_counter()
                summary = export_pack(sts, admin, room_id, pack)
                exports.append(time.perf_counter() - started)
            for rep in range(reps):
                target = open_app(scratch / f"{key}-import-{rep}")
                try:
                    started = time.perf_counter()
                    result = import_pack(target, admin, pack, trust=True)
                    imports.append(time.perf_counter() - started)
                    assert result.room_id == room_id
                finally:
                    target.stores.close()
                shutil.rmtree(scratch / f"{key}-import-{rep}", ignore_errors=True)
            results[label] = {"documents": summary.documents, "files": summary.files,
                              "size": pack.stat().st_size, "export": median(exports), "import": median(imports)}
    finally:
        sts.stores.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return results


def run(ws: Workspace, quick: bool = False) -> Section:
    reps = 2 if quick else 5
    r = measure(ws, reps)
    rows = [[label, f"{v['documents']:.0f}", f"{v['files']:.0f}", f"{v['size'] / 1024:.0f} KB",
             f"{v['export'] * 1000:.0f} ms", f"{v['import'] * 1000:.0f} ms"] for label, v in r.items()]
    body = (
        "`export_pack` and `import_pack` (what `sts-snapshots room export|import` and `POST /api/v1/rooms/{id}/export`"
        " | `/rooms/import` run) in this process. *Export* reads every record of the room and every version's file, "
        "checks each file against its recorded SHA-256, writes a stored zip and signs the manifest; *import* checks the"
        " whole pack first (entry names, sizes, every SHA-256, the signature and the signer), then writes the files "
        f"and the records into an empty installation. Median of {reps}. (No numeric target in the issue.)\n\n"
        + table(["Room", "Documents", "Files", "Pack", "Export", "Import"], rows))
    return Section("packs", "11. Room packs: export, import, size", body, describe_machine(), [], quick,
                   {"results": r})
