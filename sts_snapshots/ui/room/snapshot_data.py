"""What the room's snapshot list and the task page read of a snapshot: its records, its task, its stage."""

from __future__ import annotations

from dataclasses import dataclass

from ...domain.records import SnapshotView, TaskRecord
from ...services.errors import NotFound
from ...services.files import snapshot_filename
from .context import RoomContext


def stage(task: TaskRecord | None) -> str:
    """What a generating snapshot is doing, from its task's status and progress (0 → 30 → 60 → 80 → 100).

    >>> [stage({"status": "running", "progress": p}) for p in (0, 30, 60, 80)]
    ['Gathering room data', 'Rendering the PDF', 'Storing the file', 'Finishing']
    >>> stage({"status": "pending", "progress": 0}), stage(None)
    ('Waiting for a free renderer', 'Waiting for a free renderer')
    """
    if task is None or task["status"] == "pending":
        return "Waiting for a free renderer"
    progress = task.get("progress") or 0
    for limit, text in ((30, "Gathering room data"), (60, "Rendering the PDF"), (80, "Storing the file")):
        if progress < limit:
            return text
    return "Finishing" if progress < 100 else "Completed"


def progress_of(task: TaskRecord | None) -> int:
    """The task's percent done; 0 while it has none, or no task is left.

    >>> progress_of({"status": "running", "progress": 60}), progress_of(None)
    (60, 0)
    """
    return (task.get("progress") or 0) if task else 0


@dataclass(frozen=True)
class ListedSnapshot:
    """A snapshot with its task (None once cleaned up) and the name of who made it."""

    snap: SnapshotView
    task: TaskRecord | None
    created_by_name: str
    file_name: str = ""  # what the download is called (the room, the title, the day)


def read_task(ctx: RoomContext, task_id: str) -> TaskRecord | None:
    """The snapshot's task, asked as the page's user (None once cleanup removed it, or the room is out of reach)."""
    try:
        return ctx.sts.snapshots.task_for(ctx.user, task_id)
    except NotFound:
        return None


def load_snapshots(ctx: RoomContext) -> list[ListedSnapshot]:
    snapshots = ctx.sts.snapshots.list(ctx.user, ctx.room_id, limit=20)
    names: dict[str, str] = {}
    for snap in snapshots:
        if snap["created_by"] not in names:
            found = ctx.sts.users.get(snap["created_by"])
            names[snap["created_by"]] = found.name if found else snap["created_by"]
    room = ctx.sts.rooms.get(ctx.room_id)
    title = room["title"] if room else ""
    return [ListedSnapshot(snap, read_task(ctx, snap["task_id"]), names[snap["created_by"]],
                           snapshot_filename(snap, title)) for snap in snapshots]
