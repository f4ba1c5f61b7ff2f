"""Generations whose render node stopped answering: retried, failed after ``max_task_attempts``, or settled.

The embedded mode puts right what a crash left at the next start (:mod:`.recovery`). In the distributed mode
other nodes keep running, so a generation is judged one at a time, when the queue finds its job stalled (its
worker's heartbeat stopped). Plain functions of explicit arguments: the queue decides when they run.
"""

from __future__ import annotations

from typing import Literal

from ..datadir import DataLayout
from ..domain.ids import task_id_for
from ..domain.time import now_iso
from ..services.snapshot_records import SnapshotRecords
from ..services.tasks import FINISHED, TaskStore
from .recovery import RECOVERED_RESULT

Outcome = Literal["retry", "failed", "settled"]


def settle_stalled(records: SnapshotRecords, tasks: TaskStore, layout: DataLayout, snapshot_id: str,
                   max_attempts: int) -> Outcome:
    """Decide what happens to the generation of ``snapshot_id``, whose render node stopped during it.

    :return: ``"retry"``: the task is pending again, run its job once more; ``"failed"``: it had its
        ``max_attempts`` attempts, the task and the snapshot are failed with a readable error;
        ``"settled"``: nothing is left to run (the snapshot was stored, cancelled, or deleted).
    """
    task_id = task_id_for(snapshot_id)
    task = tasks.get(task_id)
    snapshot = records.get(snapshot_id)
    remove_partial_pdfs(layout, snapshot_id)  # what the stopped render was writing
    if task is None or snapshot is None or task["status"] in FINISHED:
        return "settled"
    if snapshot["status"] == "completed":
        # Stopped after the snapshot was stored: its PDF is whole and recorded; running it again would replace it.
        tasks.complete(task_id, {k: snapshot.get(k) for k in RECOVERED_RESULT})
        return "settled"
    attempts = task.get("attempts", 0)
    if attempts >= max_attempts:
        message = (f"interrupted: the render node stopped during generation ({attempts} "
                   f"attempt{'s' if attempts != 1 else ''})")
        tasks.fail(task_id, message)
        records.update(snapshot_id, {"status": "failed", "error": message, "completed_at": now_iso()})
        layout.snapshot_pdf(snapshot_id).unlink(missing_ok=True)  # written by the stopped run but never recorded
        return "failed"
    tasks.requeue(task_id)
    return "retry"


def was_put_back(records: SnapshotRecords, tasks: TaskStore, snapshot_id: str) -> bool:
    """Whether the generation of ``snapshot_id`` ended pending: its node stopped it before it rendered.

    :func:`~.pipeline.generate_snapshot` then returns None with the task pending again (``TaskStore.put_back``):
    its job must be queued again rather than finished. A snapshot deleted meanwhile is not put back.
    """
    task = tasks.get(task_id_for(snapshot_id))
    return task is not None and task["status"] == "pending" and records.get(snapshot_id) is not None


def remove_partial_pdfs(layout: DataLayout, snapshot_id: str) -> None:
    """Remove the temporary files a render of ``snapshot_id`` left (``datadir.atomic`` names them ``.<name>.*.tmp``)."""
    pdf = layout.snapshot_pdf(snapshot_id)
    for partial in pdf.parent.glob(f".{pdf.name}.*.tmp"):
        partial.unlink(missing_ok=True)
