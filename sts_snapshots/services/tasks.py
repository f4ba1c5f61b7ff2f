"""Background task records, persisted under ``uploads/.tasks`` so a poll sees progress even after a restart.

They are spread over up to 256 shards by a hash of the task id (:func:`~sts_snapshots.store.hashed_key`): a task's
every write (created, started, progress, finished) rewrites one small file, and a lookup by id reads only that one,
however many tasks the day made. Listing (unfinished at start, the counts, the cleanup) reads every shard."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from ..domain.records import SnapshotPayload, TaskRecord, TaskView
from ..domain.time import now_iso, parse_datetime, utcnow
from ..store import ShardedTableLike, TableLike, hashed_key

TASK_STATUSES = ("pending", "running", "completed", "failed", "cancelled")
FINISHED = frozenset({"completed", "failed", "cancelled"})
PUBLIC_FIELDS = tuple(TaskView.__annotations__)


class TaskStore:
    def __init__(self, shards: ShardedTableLike) -> None:
        self._shards = shards

    def _of(self, task_id: str) -> TableLike[TaskRecord]:
        return self._shards.shard(hashed_key(task_id))

    def _every(self) -> list[TableLike[TaskRecord]]:
        return [self._shards.shard(key) for key in self._shards.keys()]

    def create(self, task_id: str, task_type: str, payload: SnapshotPayload) -> TaskRecord:
        record: TaskRecord = {
            "id": task_id, "task_id": task_id, "task_type": task_type, "status": "pending", "progress": 0,
            "created_at": now_iso(), "started_at": None, "completed_at": None, "result": None, "error": None,
            "attempts": 0, "payload": payload}
        return self._of(task_id).insert(record)

    def get(self, task_id: str) -> TaskRecord | None:
        return self._of(task_id).get(task_id)

    def start(self, task_id: str) -> TaskRecord | None:
        """Mark running (counting the attempt) unless the task was cancelled or finished meanwhile."""
        task = self.get(task_id)
        if task is None or task["status"] in FINISHED:
            return None
        return self._of(task_id).update(task_id, {"status": "running", "progress": 0, "started_at": now_iso(),
                                           "attempts": task.get("attempts", 0) + 1, "error": None})

    def progress(self, task_id: str, percent: int) -> None:
        self._of(task_id).update(task_id, {"progress": percent})

    def complete(self, task_id: str, result: dict[str, Any]) -> None:
        self._of(task_id).update(task_id, {"status": "completed", "progress": 100, "completed_at": now_iso(),
                                    "result": result, "error": None})

    def fail(self, task_id: str, error: str) -> None:
        self._of(task_id).update(task_id, {"status": "failed", "completed_at": now_iso(), "error": error})

    def cancel(self, task_id: str) -> bool:
        task = self.get(task_id)
        if task is None or task["status"] in FINISHED:
            return False
        self._of(task_id).update(task_id, {"status": "cancelled", "completed_at": now_iso(), "error": "cancelled"})
        return True

    def requeue(self, task_id: str) -> None:
        self._of(task_id).update(task_id, {"status": "pending", "progress": 0, "started_at": None})

    def put_back(self, task_id: str) -> None:
        """Pending again, without counting the attempt: the server stopped it, the job did not fail."""
        task = self.get(task_id)
        if task is not None and task["status"] == "running":
            self._of(task_id).update(task_id, {"status": "pending", "progress": 0, "started_at": None,
                                        "attempts": max(0, task.get("attempts", 1) - 1)})

    def unfinished(self) -> list[TaskRecord]:
        found = [t for table in self._every() for t in table.search(lambda t: t["status"] not in FINISHED)]
        return sorted(found, key=lambda t: t.get("created_at") or "")  # in the order they were made

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(TASK_STATUSES, 0)
        for task in (t for table in self._every() for t in table.all()):
            counts[task["status"]] = counts.get(task["status"], 0) + 1
        return counts

    def cleanup_old_tasks(self, hours: float = 24) -> int:
        """Remove finished tasks that finished more than ``hours`` ago; unfinished tasks are never removed."""
        cutoff = utcnow() - timedelta(hours=hours)

        def old(task: TaskRecord) -> bool:
            stamp = task.get("completed_at") or task.get("created_at")
            return task["status"] in FINISHED and bool(stamp) and parse_datetime(str(stamp), "completed_at") < cutoff

        return sum(table.remove_where(old) for table in self._every())


def public(task: TaskRecord) -> TaskView:
    """The task as the deployment guide shows it; a result with a ``file_url`` also has it as ``download_url``.

    >>> public({"task_id": "t", "result": {"file_url": "/f"}})["result"]
    {'file_url': '/f', 'download_url': '/f'}
    """
    view = {k: task.get(k) for k in PUBLIC_FIELDS}
    result = view.get("result")
    if isinstance(result, dict) and "file_url" in result:
        view["result"] = {**result, "download_url": result["file_url"]}
    return cast(TaskView, view)
