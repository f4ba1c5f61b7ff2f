"""After a restart: what the previous run left unfinished is queued again, retried, or failed."""

from __future__ import annotations

import logging

from ..datadir import DataLayout
from ..domain.time import now_iso
from ..services.snapshot_records import SnapshotRecords
from ..services.tasks import TaskStore

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
    live = {t["payload"]["snapshot_id"] for t in tasks.unfinished()}
    for snap in records.with_status("generating"):
        if snap["id"] not in live:
            lost = tasks.get(snap["task_id"])
            error = (lost["error"] if lost else None) or "interrupted: its task was lost"
            records.update(snap["id"], {"status": "failed", "error": error, "completed_at": now_iso()})
            layout.snapshot_pdf(snap["id"]).unlink(missing_ok=True)
    for partial in layout.snapshots.glob(".*.tmp"):
        partial.unlink(missing_ok=True)
    if again:
        log.info("Recovered %d unfinished snapshot task(s)", len(again))
    return again
