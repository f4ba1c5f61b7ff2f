"""``/tasks/{task_id}``: one snapshot generation task, live until it is finished."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ...context import StsApp
from ...domain.ids import TASK_ID
from ...domain.labels import format_size
from ...domain.records import SnapshotRecord, TaskRecord
from ...services.errors import NotFound
from ...services.files import snapshot_filename
from ...services.tasks import FINISHED
from ...services.users import User
from ..room.snapshot_data import stage
from ..room.snapshots import open_preview
from ..shell import formatting, session, theme, widgets
from ..shell.live import LiveSection
from .files import snapshot_url


@dataclass(frozen=True)
class TaskView:
    task: TaskRecord
    snapshot: SnapshotRecord | None  # None when the snapshot was deleted meanwhile
    room_id: str
    file_name: str = ""


def load_task(sts: StsApp, user: User, task_id: str) -> TaskView | None:
    """The task and its snapshot, or None when the user may not see it."""
    if not TASK_ID.fullmatch(task_id):
        return None
    try:
        task = sts.snapshots.task_for(user, task_id)
    except NotFound:
        return None
    record, room_id = sts.snapshots.record_of(task), task["payload"]["room_id"]
    room = sts.rooms.get(room_id)
    name = snapshot_filename(record, room["title"] if room else "") if record else ""
    return TaskView(task, record, room_id, name)


def _field(label: str, value: str, marker: str = "") -> None:
    with ui.column().classes("gap-0 min-w-[180px]"):
        ui.label(label).classes("sts-label")
        text = ui.label(value).classes("text-[15px] font-medium break-all")
        if marker:
            text.mark(marker)


def build_task(data: TaskView) -> None:
    task, snap, room_id = data.task, data.snapshot, data.room_id
    result = task.get("result") or {}
    with ui.column().classes("sts-card w-full p-6 gap-5").mark("task"):
        with ui.row().classes("w-full items-start no-wrap gap-4"):
            with ui.column().classes("flex-1 gap-1 min-w-0"):
                ui.label("PDF snapshot generation").classes("sts-label")
                widgets.heading(snap["title"] if snap else "Deleted snapshot")
                ui.label(task["task_id"]).classes("sts-muted text-[13px] font-mono")
            widgets.status_chip(task["status"])
        with ui.column().classes("w-full gap-1"):
            with ui.row().classes("w-full items-center no-wrap gap-3"):
                color = {"failed": "negative", "completed": "positive"}.get(task["status"], "secondary")
                ui.linear_progress(task["progress"] / 100, show_value=False, color=color) \
                    .props('rounded track-color=grey-3 aria-label="Generation progress"'
                           + ("" if task["status"] in FINISHED else " stripe")) \
                    .classes("flex-1 h-3 rounded").mark("task-progress")
                ui.label(f"{task['progress']}%").classes("text-[18px] font-bold w-14 text-right").mark("task-percent")
            if task["status"] not in FINISHED:
                ui.label(stage(task)).classes("sts-muted text-[14px]")
        error = task.get("error")
        if error and task["status"] != "completed":
            ui.label(error).classes("sts-note sts-note-bad w-full").mark("task-error")
        ui.separator()
        with ui.row().classes("w-full gap-x-10 gap-y-4"):
            _field("Created", formatting.when(task.get("created_at")))
            _field("Started", formatting.when(task.get("started_at")))
            _field("Completed", formatting.when(task.get("completed_at")))
        if result:
            with ui.row().classes("w-full gap-x-10 gap-y-4").mark("task-result"):
                _field("File size", format_size(result.get("file_size")))
                _field("Pages", str(result.get("pages", "—")))
                _field("From cache", "Yes" if result.get("was_cached") else "No, rendered")
                _field("Generation time", formatting.duration(result.get("duration_ms")))
            _field("SHA-256", result.get("sha256") or "—")
        with ui.row().classes("gap-3"):
            ui.button("Back to the room", icon="arrow_back").props(
                f'outline no-caps color=primary href="/rooms/{room_id}"').mark("task-room")
            if snap and snap.get("status") == "completed":
                ui.button("Download PDF", icon="download").props("unelevated no-caps color=primary") \
                    .props["href"] = snapshot_url(room_id, snap["id"], file_name=data.file_name)
                ui.button("Preview", icon="visibility",
                          on_click=lambda: open_preview(room_id, snap["id"], snap["title"], data.file_name)) \
                    .props("outline no-caps color=primary").mark("task-preview")


def register(sts: StsApp) -> None:
    @ui.page("/tasks/{task_id}")
    async def task_page(request: Request, task_id: str) -> RedirectResponse | None:
        user = await session.current_user(sts)
        if user is None:
            return session.to_login(request)
        with theme.frame(user, active="rooms", title="Task"):
            live = LiveSection(lambda: load_task(sts, user, task_id), lambda data: build_task(data) if data else None)
            await live.reload()
            if live.data is None:
                live.container.clear()
                with live.container:
                    widgets.message_panel("search_off", "Task not found",
                                          "The task does not exist, was cleaned up, or belongs to a room you are not "
                                          "a party of.", "task-not-found")
                return None

            async def poll() -> None:
                await live.reload()
                if live.data is None or live.data.task["status"] in FINISHED:
                    timer.deactivate()

            timer = ui.timer(0.5, poll, active=live.data.task["status"] not in FINISHED)
        return None
