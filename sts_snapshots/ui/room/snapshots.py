"""The room's PDF snapshots: create one, watch its progress live, then download, preview or delete it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from nicegui import ui

from ...domain.labels import format_size
from ...domain.records import SnapshotView, TaskRecord
from ...services.tasks import FINISHED
from ..pages.files import snapshot_url
from ..shell import formatting, threads, widgets
from ..shell.live import LiveSection
from .context import RoomContext
from .snapshot_data import ListedSnapshot, load_snapshots, progress_of, read_task, stage

SECTION = "snapshots"


@dataclass
class LiveRow:
    """The parts of a generating snapshot's row that the poll updates in place."""

    task_id: str
    bar: ui.linear_progress
    percent: ui.label
    stage: ui.label
    chip_box: ui.element
    status: str = ""


class SnapshotsSection:
    def __init__(self, ctx: RoomContext) -> None:
        self.ctx = ctx
        self.rows: dict[str, LiveRow] = {}
        self.timer: ui.timer | None = None
        with widgets.card("Snapshots", "picture_as_pdf", marker="snapshots") as head:
            self.card = ui.context.slot.parent
            self.card.props("id=snapshots tabindex=-1")  # the target of the page's "Skip to Snapshots" link
            with head:
                ui.button("Create snapshot", icon="add", on_click=self.open_create_dialog) \
                    .props("unelevated no-caps color=primary").mark("create-snapshot")
            self.live = LiveSection(lambda: load_snapshots(ctx), self.build, classes="gap-0")
        ctx.on_change(self.live.reload, "snapshots")

    async def reload(self) -> None:
        await self.live.reload()

    def start_polling(self) -> None:
        """Create the progress timer once the page is built: a timer waits for the browser's connection, and
        NiceGUI sends the page as soon as something waits for that, so an earlier timer would cut the page short."""
        with self.card:  # not in the live container, which each reload clears
            self.timer = ui.timer(0.5, self.poll, active=bool(self.rows))

    def build(self, snapshots: list[ListedSnapshot]) -> None:
        self.rows.clear()
        if not snapshots:
            widgets.empty_state("picture_as_pdf", "No snapshots yet",
                                "A snapshot is a PDF report of the room's state, for the record or to send ashore.")
        for item in snapshots:
            self.row(item)
        if self.timer is not None:
            self.timer.active = bool(self.rows)

    def row(self, item: ListedSnapshot) -> None:
        snap, task = item.snap, item.task
        with ui.column().classes("w-full gap-2 px-5 py-4 border-b border-[#edf0f3]").mark(f"snapshot-{snap['id']}"):
            with ui.row().classes("w-full items-start no-wrap gap-2"):
                with ui.column().classes("flex-1 min-w-0 gap-0"):
                    ui.label(snap["title"]).classes("font-semibold text-[14px] text-[#0b2545] leading-snug")
                    docs = " · with documents" if snap.get("include_documents") else ""
                    ui.label(f"{item.created_by_name} · {formatting.relative(snap['created_at'])}{docs}") \
                        .classes("sts-muted text-[12px] truncate")
                chip_box = ui.element("div")
                with chip_box:
                    widgets.status_chip((task["status"] if task else "pending") if snap["status"] == "generating"
                                        else snap["status"])
            if snap["status"] == "generating":
                with ui.row().classes("w-full items-center no-wrap gap-3"):
                    bar = ui.linear_progress(progress_of(task) / 100, show_value=False, color="secondary") \
                        .props("rounded stripe animation-speed=600 track-color=grey-3") \
                        .props('aria-label="Generation progress"') \
                        .classes("sts-bar flex-1") \
                        .mark("snapshot-progress")
                    percent = ui.label(f"{progress_of(task)}%").classes("font-semibold text-[14px] w-10 text-right") \
                        .mark("snapshot-percent")
                with ui.row().classes("w-full items-center no-wrap"):
                    stage_label = ui.label(stage(task)).classes("sts-muted text-[13px]")
                    ui.space()
                    ui.button("Details").props(f'flat dense no-caps color=secondary href="/tasks/{snap["task_id"]}"')
                self.rows[snap["id"]] = LiveRow(snap["task_id"], bar, percent, stage_label, chip_box,
                                                task["status"] if task else "")
            elif snap["status"] == "completed":
                self.completed(snap, task, item.file_name)
            else:
                ui.label(snap.get("error") or "Generation failed").classes("sts-note sts-note-bad w-full")
                self.links(snap, files=False)

    def completed(self, snap: SnapshotView, task: TaskRecord | None, file_name: str) -> None:
        result = (task.get("result") if task else None) or {}
        facts = [f"{snap.get('pages') or '?'} pages", format_size(snap.get("file_size"))]
        if result.get("duration_ms") is not None:
            facts.append(("from cache" if result.get("was_cached") else "rendered in ")
                         + ("" if result.get("was_cached") else formatting.duration(result["duration_ms"])))
        ui.label(" · ".join(facts)).classes("text-[13px] text-[#34475b]")
        self.links(snap, files=True, file_name=file_name)

    def links(self, snap: SnapshotView, files: bool, file_name: str = "") -> None:
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            if files:
                download = ui.button("Download", icon="download").props(
                    "unelevated dense no-caps color=primary").classes("px-3").mark("snapshot-download")
                # the URL ends in the file name: a native window's save dialog proposes that, not the header's
                download.props["href"] = snapshot_url(self.ctx.room_id, snap["id"], file_name=file_name)
                download.props["download"] = file_name or True
                ui.button("Preview", icon="visibility",
                          on_click=lambda: open_preview(self.ctx.room_id, snap["id"], snap["title"], file_name)) \
                    .props("outline dense no-caps color=primary").classes("px-3").mark("snapshot-preview")
            ui.button("Details").props(f'flat dense no-caps color=secondary href="/tasks/{snap["task_id"]}"') \
                .mark("snapshot-details")
            ui.space()
            if self.ctx.user.is_admin:
                with ui.button(icon="delete_outline", on_click=lambda: self.delete(snap)) \
                        .props("flat round dense color=grey-8").mark("snapshot-delete") as button:
                    ui.tooltip("Delete snapshot")
                button.props["aria-label"] = f"Delete snapshot {snap['title']}"

    async def poll(self) -> None:
        """Update the progress of generating snapshots in place; reload the room when one finishes."""
        found = await threads.io(lambda: {sid: read_task(self.ctx, row.task_id) for sid, row in self.rows.items()})
        finished = False
        for sid, task in found.items():
            row = self.rows.get(sid)
            if row is None or task is None:
                continue
            row.bar.set_value(progress_of(task) / 100)
            row.percent.set_text(f"{progress_of(task)}%")
            row.stage.set_text(stage(task))
            if task["status"] != row.status:
                row.status = task["status"]
                row.chip_box.clear()
                with row.chip_box:
                    widgets.status_chip(task["status"])
            finished = finished or task["status"] in FINISHED
        if (finished or not found) and self.timer is not None:
            self.timer.active = False
            await self.ctx.changed(SECTION, "activity")

    def open_create_dialog(self) -> None:
        with widgets.dialog_box("Create snapshot", "A PDF report of the room as it is now.") as dialog:
            with widgets.dialog_body():
                title = ui.input("Title", placeholder="Room Status Snapshot - <date and time>").props("outlined") \
                    .classes("w-full").mark("snapshot-title")
                include = ui.checkbox("Attach the uploaded documents (PDFs and images) as an appendix") \
                    .mark("snapshot-include")
                approvals = ui.checkbox("Include the parties' approvals", value=True) \
                    .mark("snapshot-include-approvals")
                activity = ui.checkbox("Include the activity log", value=True).mark("snapshot-include-activity")

            async def create() -> None:
                create_with = partial(self.ctx.sts.snapshots.create, include_activity=bool(activity.value),
                                      include_approvals=bool(approvals.value))
                _, snap = await self.ctx.act(create_with, title.value or None, "pdf", bool(include.value))
                if snap is not None:  # None: refused, and the notice says why
                    dialog.close()
                    widgets.notify_ok(f"Generating “{snap['title']}”")
                    await self.ctx.changed(SECTION, "activity")

            widgets.actions(dialog, "Create", create, icon="picture_as_pdf", marker="create-snapshot-ok")
        dialog.open()

    async def delete(self, snap: SnapshotView) -> None:
        if not await widgets.confirm("Delete snapshot?", f"“{snap['title']}” and its PDF will be deleted for "
                                     "everyone in the room. This cannot be undone."):
            return
        ok, _ = await self.ctx.act(self.ctx.sts.snapshots.delete, snap["id"])
        if ok:
            widgets.notify_ok("Snapshot deleted")
            await self.ctx.changed(SECTION, "activity")


def open_preview(room_id: str, snapshot_id: str, title: str, file_name: str) -> None:
    """The PDF inside the app, in a dialog: a native window has no browser tab to open it in, and the system
    browser a ``target=_blank`` link would start has no session."""
    url = snapshot_url(room_id, snapshot_id, inline=True, file_name=file_name)
    with widgets.dialog_parent(), ui.dialog().props("maximized") as dialog, \
            ui.card().classes("w-full h-full p-0 gap-0 sts-preview"):
        with ui.row().classes("w-full items-center gap-2 px-4 py-2 no-wrap sts-card-head"):
            widgets.heading(title, 2).classes("sts-card-title truncate")
            ui.space()
            ui.button("Download", icon="download").props(
                f'flat no-caps color=primary href="{snapshot_url(room_id, snapshot_id, file_name=file_name)}"')
            close = ui.button(icon="close", on_click=dialog.close).props("flat round color=grey-8") \
                .mark("preview-close")
            close.props["aria-label"] = "Close the preview"
        frame = ui.element("iframe").classes("w-full flex-1 border-0").mark("preview-frame")
        frame.props["src"] = url
        frame.props["title"] = f"PDF of {title}"
    dialog.on("hide", dialog.delete)
    dialog.open()
