"""After a restart: what the previous run left unfinished is queued again, retried, or failed."""

from __future__ import annotations

import logging

from ..datadir import DataLayout
from ..domain.time import now_iso
from ..services.snapshot_records import SnapshotRecords
from ..services.tasks import FINISHED, TaskStore

log = logging.getLogger(__name__)
RECOVERED_RESULT = ("file_url", "file_size", "sha256", "pages", "content_key")


def recover(records: SnapshotRecords, tasks: TaskStore, layout: DataLayout, max_attempts: int) -> list[str]:
    """Requeue pending tasks, retry or fail interrupted ones, fail orphaned snapshots; remove partial files.

    Returns the snapshot ids to submit again.
    """
    again = []
    for task in tasks.unfinished():
        sid = task["payload"]["snapshot_id"]
        snapshot = records.get(sid)
        if snapshot is not None and snapshot["status"] == "completed":
            # Stopped after the snapshot was stored: its PDF is whole and recorded. Running it again would
            # replace that PDF before recording the new one, and a second crash would leave them apart.
            tasks.complete(task["task_id"], {k: snapshot.get(k) for k in RECOVERED_RESULT})
            continue
        if task["status"] == "running" and task.get("attempts", 0) >= max_attempts:
            message = f"interrupted: the server stopped during generation ({task['attempts']} attempts)"
            tasks.fail(task["task_id"], message)
            records.update(sid, {"status": "failed", "error": message, "completed_at": now_iso()})
            layout.snapshot_pdf(sid).unlink(missing_ok=True)  # a PDF the crashed run wrote but never recorded
            continue
        tasks.requeue(task["task_id"])
        again.append(sid)
    for partial in layout.snapshots.glob(".*.tmp"):
        partial.unlink(missing_ok=True)
    if again:
        log.info("Recovered %d unfinished snapshot task(s)", len(again))
    return again


def fail_orphans(records: SnapshotRecords, tasks: TaskStore, layout: DataLayout, before: str | None = None) -> int:
    """Fail the snapshots still ``generating`` whose task is gone or finished (a previous run stopped between
    recording the snapshot and its task); returns how many.

    It reads every room's snapshot records, so the server runs it after it has started (``before``: the start's
    time; a snapshot created since has a task of this run, or is about to, and is left alone).
    """
    failed = 0
    for snap in records.with_status("generating"):
        if before is not None and str(snap.get("created_at") or "") >= before:
            continue
        task = tasks.get(snap["task_id"])
        if task is not None and task["status"] not in FINISHED:
            continue
        error = (task["error"] if task else None) or "interrupted: its task was lost"
        records.update(snap["id"], {"status": "failed", "error": error, "completed_at": now_iso()})
        layout.snapshot_pdf(snap["id"]).unlink(missing_ok=True)
        failed += 1
    if failed:
        log.info("Failed %d snapshot(s) left generating without a task", failed)
    return failed
