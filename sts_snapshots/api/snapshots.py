"""Snapshots, their tasks and the metrics summary: the deployment guide's paths."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response
from fastapi.responses import FileResponse

from ..domain.records import SnapshotView, TaskView
from ..services.files import snapshot_file
from ..services.snapshots import public
from ..services.tasks import public as public_task
from .deps import AdminUser, CurrentUser, RoomId, SnapshotId, Sts, TaskId
from .schemas import SnapshotCreate

router = APIRouter(tags=["snapshots"])


@router.post("/rooms/{room_id}/snapshots", status_code=200)
def create_snapshot(sts: Sts, user: CurrentUser, room_id: RoomId,
                    body: Annotated[SnapshotCreate | None, Body()] = None) -> SnapshotView:
    """Record the snapshot and queue its generation; answers at once with ``status: generating``."""
    body = body or SnapshotCreate.model_validate({})
    return sts.snapshots.create(user, room_id, body.title, body.snapshot_type, body.include_documents,
                                include_activity=body.include_activity, include_approvals=body.include_approvals)


@router.get("/rooms/{room_id}/snapshots")
def list_snapshots(sts: Sts, user: CurrentUser, room_id: RoomId, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                   offset: Annotated[int, Query(ge=0)] = 0) -> list[SnapshotView]:
    return sts.snapshots.list(user, room_id, limit, offset)


@router.get("/rooms/{room_id}/snapshots/{snapshot_id}")
def get_snapshot(sts: Sts, user: CurrentUser, room_id: RoomId, snapshot_id: SnapshotId) -> SnapshotView:
    return public(sts.snapshots.get(user, room_id, snapshot_id))


@router.get("/rooms/{room_id}/snapshots/{snapshot_id}/download", response_class=FileResponse)
def download_snapshot(sts: Sts, user: CurrentUser, room_id: RoomId, snapshot_id: SnapshotId,
                      inline: bool = False) -> FileResponse:
    path, record = sts.snapshots.download(user, room_id, snapshot_id)
    room = sts.rooms.get(room_id)
    return snapshot_file(path, record, inline=inline, room_title=room["title"] if room else "")


@router.delete("/rooms/{room_id}/snapshots/{snapshot_id}", status_code=204)
def delete_snapshot(sts: Sts, user: CurrentUser, room_id: RoomId, snapshot_id: SnapshotId) -> Response:
    sts.snapshots.delete(user, room_id, snapshot_id)
    return Response(status_code=204)


@router.get("/snapshots/tasks/{task_id}")
def get_task(sts: Sts, user: CurrentUser, task_id: TaskId) -> TaskView:
    return public_task(sts.snapshots.task_for(user, task_id))


@router.get("/snapshots/metrics/summary")
def metrics_summary(sts: Sts, user: AdminUser, hours: Annotated[float, Query(gt=0, le=24 * 31)] = 1) -> dict[str, Any]:
    return sts.summary(hours)

