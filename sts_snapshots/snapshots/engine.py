"""Snapshot records and their life cycle: create, list, download, delete, recover after a crash."""

from __future__ import annotations

import builtins
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..domain.ids import new_id
from ..domain.models import newest_first
from ..domain.report_model import AppendixItem, ReportModel, SnapshotFacts
from ..domain.time import now_iso, utcnow
from ..services.documents import DocumentService
from ..services.errors import Conflict, Forbidden, Invalid, NotFound
from ..services.rooms import RoomService
from ..services.users import User
from .cache import PdfCache
from .metrics import MetricsRecorder
from .records import SnapshotRecords
from .renderer import RenderPool
from .tasks import TaskStore

log = logging.getLogger(__name__)
SNAPSHOT_FIELDS = ("id", "room_id", "title", "snapshot_type", "include_documents", "status", "task_id", "file_url",
                   "file_size", "sha256", "pages", "created_by", "created_at", "completed_at", "error")
RECOVERED_RESULT = ("file_url", "file_size", "sha256", "pages", "content_key")


class SnapshotEngine:
    def __init__(self, *, rooms: RoomService, documents: DocumentService, records: SnapshotRecords, tasks: TaskStore,
                 cache: PdfCache, metrics: MetricsRecorder, pool: RenderPool, snapshots_dir: Path,
                 documents_dir: Path, fonts_dir: Path, max_attempts: int) -> None:
        self.rooms = rooms
        self.documents = documents
        self.records = records
        self.tasks = tasks
        self.cache = cache
        self.metrics = metrics
        self.pool = pool
        self.snapshots_dir = snapshots_dir
        self.documents_dir = documents_dir
        self.fonts_dir = fonts_dir
        self.max_attempts = max_attempts
        self.submit: Callable[[str], None] = lambda snapshot_id: None
        self.unschedule: Callable[[str], None] = lambda task_id: None
        self.users_by_email: Callable[[str], User | None] = lambda email: None

    # -- helpers the job uses -------------------------------------------------------------------
    @staticmethod
    def now() -> str:
        return now_iso()

    def pdf_path(self, snapshot_id: str) -> Path:
        return self.snapshots_dir / f"{snapshot_id}.pdf"

    @staticmethod
    def file_url(snapshot: dict[str, Any]) -> str:
        return f"/api/v1/rooms/{snapshot['room_id']}/snapshots/{snapshot['id']}/download"

    def facts(self, snapshot: dict[str, Any], key: str) -> SnapshotFacts:
        user = self.users_by_email(snapshot["created_by"])
        by = f"{user.name} <{user.email}>" if user and user.name != user.email else snapshot["created_by"]
        return {"snapshot_id": snapshot["id"], "title": snapshot["title"], "content_key": key,
                "generated_at": utcnow().strftime("%Y-%m-%d %H:%M:%S UTC"), "generated_by": by}

    def appendix(self, model: ReportModel) -> list[AppendixItem]:
        return [{"path": str(self.documents_dir / f["file_id"]), "name": f["file_name"], "kind": f["kind"],
                 "title": f"{f['group']}: {f['document']} ({f['file_name']})"} for f in model["included_files"]]

    # -- use cases ------------------------------------------------------------------------------
    def create(self, user: User, room_id: str, title: str | None = None, snapshot_type: str = "pdf",
               include_documents: bool = False) -> dict[str, Any]:
        self.rooms.room(user, room_id)
        if snapshot_type != "pdf":
            raise Invalid("snapshot_type: only 'pdf' is supported")
        title = (title or "").strip() or f"Room Status Snapshot - {utcnow():%Y-%m-%d %H:%M}"
        if len(title) > 200:
            raise Invalid("title: longer than 200 characters")
        snapshot_id = new_id()
        record: dict[str, Any] = {"id": snapshot_id, "room_id": room_id, "title": title, "snapshot_type": "pdf",
                  "include_documents": bool(include_documents), "status": "generating",
                  "task_id": f"snapshot-{snapshot_id}", "file_url": None, "file_size": None, "sha256": None,
                  "pages": None, "content_key": None, "created_by": user.email, "created_at": now_iso(),
                  "completed_at": None, "error": None}
        self.records.insert(record)
        self.tasks.create(record["task_id"], "generate_pdf", {"snapshot_id": snapshot_id, "room_id": room_id})
        self.rooms.log(room_id, user.email, "snapshot created", title)
        self.submit(snapshot_id)
        return public(record)

    def list(self, user: User, room_id: str, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        self.rooms.room(user, room_id)
        items = newest_first(self.records.of_room(room_id), "created_at")
        return [public(s) for s in items[offset:offset + limit]]

    def get(self, user: User, room_id: str, snapshot_id: str) -> dict[str, Any]:
        self.rooms.room(user, room_id)
        record = self.records.get(snapshot_id)
        if record is None or record["room_id"] != room_id:
            raise NotFound("snapshot not found")
        return record

    def download(self, user: User, room_id: str, snapshot_id: str) -> tuple[Path, dict[str, Any]]:
        record = self.get(user, room_id, snapshot_id)
        if record["status"] != "completed":
            detail = record.get("error") or "still generating; poll the task until it is completed"
            raise Conflict(f"snapshot is {record['status']}: {detail}")
        path = self.pdf_path(snapshot_id)
        if not path.is_file():
            raise NotFound("the snapshot's PDF file is missing from uploads/snapshots")
        self.rooms.log(room_id, user.email, "snapshot downloaded", record["title"])
        return path, record

    def delete(self, user: User, room_id: str, snapshot_id: str) -> None:
        record = self.get(user, room_id, snapshot_id)
        if not user.is_admin:
            raise Forbidden("only an admin may delete snapshots")
        self.tasks.cancel(record["task_id"])
        self.unschedule(record["task_id"])
        self.records.remove(snapshot_id)
        self.pdf_path(snapshot_id).unlink(missing_ok=True)
        self.rooms.log(room_id, user.email, "snapshot deleted", record["title"])

    def task_for(self, user: User, task_id: str) -> dict[str, Any]:
        task = self.tasks.get(task_id)
        if task is None or not self.rooms.can_see(user, task["payload"]["room_id"]):
            raise NotFound("task not found")
        return task

    def recover(self) -> builtins.list[str]:
        """After a restart: requeue pending tasks, retry or fail interrupted ones, fail orphaned snapshots.

        Returns the snapshot ids to submit again.
        """
        again = []
        for task in self.tasks.unfinished():
            sid = task["payload"]["snapshot_id"]
            snapshot = self.records.get(sid)
            if snapshot is not None and snapshot["status"] == "completed":
                # Stopped after the snapshot was stored: its PDF is whole and recorded. Running it again would
                # replace that PDF before recording the new one, and a second crash would leave them apart.
                self.tasks.complete(task["task_id"], {k: snapshot.get(k) for k in RECOVERED_RESULT})
                continue
            if task["status"] == "running" and task.get("attempts", 0) >= self.max_attempts:
                message = f"interrupted: the server stopped during generation ({task['attempts']} attempts)"
                self.tasks.fail(task["task_id"], message)
                self.records.update(sid, {"status": "failed", "error": message, "completed_at": now_iso()})
                self.pdf_path(sid).unlink(missing_ok=True)  # a PDF the crashed run wrote but never recorded
                continue
            self.tasks.requeue(task["task_id"])
            again.append(sid)
        live = {t["payload"]["snapshot_id"] for t in self.tasks.unfinished()}
        for snap in self.records.with_status("generating"):
            if snap["id"] not in live:
                lost = self.tasks.get(snap["task_id"])
                error = (lost or {}).get("error") or "interrupted: its task was lost"
                self.records.update(snap["id"], {"status": "failed", "error": error, "completed_at": now_iso()})
                self.pdf_path(snap["id"]).unlink(missing_ok=True)
        for partial in self.snapshots_dir.glob(".*.tmp"):
            partial.unlink(missing_ok=True)
        if again:
            log.info("Recovered %d unfinished snapshot task(s)", len(again))
        return again


def public(record: dict[str, Any]) -> dict[str, Any]:
    return {k: record.get(k) for k in SNAPSHOT_FIELDS}
