"""Snapshots as their users see them: create one (queued for the background pipeline), list, get, download, delete."""

from __future__ import annotations

import builtins
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, cast

from ..datadir import DataLayout
from ..domain.ids import new_id, task_id_for
from ..domain.models import clean_text, newest_first
from ..domain.records import SnapshotRecord, SnapshotView, TaskRecord
from ..domain.report_model import DEFAULT_ACTIVITY_LIMIT
from ..domain.time import now_iso, utcnow
from ..store.transaction import after_commit
from .errors import Conflict, Forbidden, Invalid, NotFound
from .rooms import RoomService
from .snapshot_records import SnapshotRecords
from .tasks import TaskStore
from .users import User

PUBLIC_FIELDS = tuple(SnapshotView.__annotations__)


class JobQueue(Protocol):
    """Where a snapshot's generation waits to run.

    Embedded: APScheduler in this process (``snapshots/queue.py``). Distributed: Procrastinate in PostgreSQL
    (``snapshots/pg_queue.py``), where ``submit`` and ``remove`` join the transaction open in the calling thread, so
    a job exists exactly when the records written in that transaction do.
    """

    def submit(self, snapshot_id: str) -> None:
        """Queue the generation of ``snapshot_id`` (its task record exists already; queued twice, it runs once)."""

    def remove(self, snapshot_id: str) -> None:
        """Take a generation that has not started out of the queue; nothing happens if there is none."""


class SnapshotService:
    def __init__(self, *, rooms: RoomService, records: SnapshotRecords, tasks: TaskStore, queue: JobQueue,
                 layout: DataLayout, activity_limit: int = DEFAULT_ACTIVITY_LIMIT,
                 transaction: Callable[[], contextlib.AbstractContextManager[object]] = contextlib.nullcontext) -> None:
        """``activity_limit`` (the setting ``report_activity_limit``) is recorded with each new snapshot;
        ``transaction`` (the stores': one PostgreSQL transaction, nothing on TinyDB) holds a create's or a delete's
        records and its job together."""
        self._transaction = transaction
        self._activity_limit = activity_limit
        self._rooms = rooms
        self._records = records
        self._tasks = tasks
        self._queue = queue
        self._layout = layout

    def create(self, user: User, room_id: str, title: str | None = None, snapshot_type: str = "pdf",
               include_documents: bool = False, *, include_activity: bool = True,
               include_approvals: bool = True) -> SnapshotView:
        """Record a snapshot and queue its generation; the ``include_*`` options choose the report's sections."""
        self._rooms.room(user, room_id)
        if snapshot_type != "pdf":
            raise Invalid("snapshot_type: only 'pdf' is supported")
        try:
            title = clean_text(title, "title") or f"Room Status Snapshot - {utcnow():%Y-%m-%d %H:%M}"
        except ValueError as exc:
            raise Invalid(str(exc)) from None
        snapshot_id = new_id()
        record: SnapshotRecord = {
            "id": snapshot_id, "room_id": room_id, "title": title, "snapshot_type": "pdf",
            "include_documents": bool(include_documents), "include_activity": bool(include_activity),
            "include_approvals": bool(include_approvals), "activity_limit": self._activity_limit,
            "status": "generating", "task_id": task_id_for(snapshot_id),
            "file_url": None, "file_size": None, "sha256": None, "pages": None, "content_key": None,
            "created_by": user.email, "created_at": now_iso(), "completed_at": None, "error": None}
        with self._transaction():  # the record, its task, the activity entry and the job: all or none
            self._records.insert(record)
            self._tasks.create(record["task_id"], "generate_pdf", {"snapshot_id": snapshot_id, "room_id": room_id})
            self._rooms.log(room_id, user.email, "snapshot created", title)
            self._queue.submit(snapshot_id)
        return public(record)

    def list(self, user: User, room_id: str, limit: int = 50, offset: int = 0) -> builtins.list[SnapshotView]:
        self._rooms.room(user, room_id)
        items = newest_first(self._records.of_room(room_id), "created_at")
        return [public(s) for s in items[offset:offset + limit]]

    def get(self, user: User, room_id: str, snapshot_id: str) -> SnapshotRecord:
        self._rooms.room(user, room_id)
        record = self._records.get(snapshot_id)
        if record is None or record["room_id"] != room_id:
            raise NotFound("snapshot not found")
        return record

    def download(self, user: User, room_id: str, snapshot_id: str) -> tuple[Path, SnapshotRecord]:
        """The PDF of a completed snapshot, and its record; the download is recorded in the room's activity."""
        record = self.get(user, room_id, snapshot_id)
        if record["status"] != "completed":
            detail = record["error"] or "still generating; poll the task until it is completed"
            raise Conflict(f"snapshot is {record['status']}: {detail}")
        path = self._layout.snapshot_pdf(snapshot_id)
        if not path.is_file():
            raise NotFound("the snapshot's PDF file is missing from uploads/snapshots")
        self._rooms.audit(room_id, user.email, "snapshot downloaded", record["title"])
        return path, record

    def delete(self, user: User, room_id: str, snapshot_id: str) -> None:
        record = self.get(user, room_id, snapshot_id)
        if not user.is_admin:
            raise Forbidden("only an admin may delete snapshots")
        with self._transaction():
            self._tasks.cancel(record["task_id"])
            self._queue.remove(snapshot_id)
            self._records.remove(snapshot_id)
            self._rooms.log(room_id, user.email, "snapshot deleted", record["title"])
            # the file goes once the records are gone for good (at once on TinyDB)
            after_commit(lambda: self._layout.snapshot_pdf(snapshot_id).unlink(missing_ok=True))

    def task_for(self, user: User, task_id: str) -> TaskRecord:
        task = self._tasks.get(task_id)
        if task is None or not self._rooms.can_see(user, task["payload"]["room_id"]):
            raise NotFound("task not found")
        return task

    def record_of(self, task: TaskRecord) -> SnapshotRecord | None:
        """The snapshot a task (got through :meth:`task_for`) generates; None once it was deleted."""
        return self._records.get(task["payload"]["snapshot_id"])


# What a record written before an option existed had: both sections were printed.
_OPTION_DEFAULTS = {"include_activity": True, "include_approvals": True}


def public(record: SnapshotRecord) -> SnapshotView:
    """The snapshot as the API answers it (without internals such as the content key).

    ``download_url`` repeats ``file_url``; a record older than a report option reads as its default.
    """
    view = {k: record.get(k, _OPTION_DEFAULTS.get(k)) for k in PUBLIC_FIELDS}
    view["download_url"] = record.get("file_url")
    return cast(SnapshotView, view)
