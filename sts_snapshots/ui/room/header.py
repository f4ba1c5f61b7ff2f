"""The top of a room page: the operation's facts, its readiness, its vessels and the "Add vessel" dialog."""

from __future__ import annotations

from dataclasses import dataclass

from nicegui import ui

from ...domain.labels import status_label
from ...domain.models import ROOM_STATUSES
from ...domain.records import ReadinessView, RoomRecord, VesselRecord
from ..pages.packs import send_to_button
from ..shell import formatting, threads, widgets
from ..shell.island import Island
from ..shell.live import LiveSection
from .context import RoomContext
from .room_dialogs import confirm_status, open_edit_room_dialog, open_vessel_dialog, remove_vessel


@dataclass(frozen=True)
class HeaderData:
    room: RoomRecord
    vessels: list[VesselRecord]
    readiness: ReadinessView


def load_header(ctx: RoomContext) -> HeaderData:
    rooms = ctx.sts.rooms
    return HeaderData(room=rooms.room(ctx.user, ctx.room_id), vessels=rooms.vessels_of(ctx.room_id),
                      readiness=rooms.readiness(ctx.room_id))


def _fact(icon: str, label: str, value: str, extra: str = "") -> None:
    with ui.row().classes("items-start gap-2 no-wrap min-w-[180px]"):
        ui.icon(icon, size="20px").classes("text-[#6b7d90] mt-[2px]")
        with ui.column().classes("gap-0"):
            ui.label(label).classes("sts-label")
            ui.label(value).classes("text-[15px] font-medium")
            if extra:
                ui.label(extra).classes("sts-muted text-[13px]")


def _vessel(ctx: RoomContext, vessel: VesselRecord) -> None:
    with ui.column().classes("flex-1 min-w-[260px] gap-1 rounded-lg sts-panel px-4 py-3 sts-vessel") \
            .mark(f"vessel-{vessel['imo']}"):
        with ui.row().classes("items-center gap-2 no-wrap w-full"):
            ui.icon("directions_boat", size="20px").classes("text-[#1d5c96]")
            ui.label(vessel["name"]).classes("font-semibold text-[15px] text-[#0b2545] truncate")
            ui.space()
            ui.label(f"{vessel['role'].capitalize()} vessel").classes(
                "text-[12px] font-semibold uppercase tracking-wide text-[#1d5c96]")
            if ctx.can_manage:
                edit = ui.button(icon="edit", on_click=lambda: open_vessel_dialog(ctx, vessel)) \
                    .props("flat round dense color=secondary").mark(f"edit-vessel-{vessel['imo']}")
                remove = ui.button(icon="delete_outline", on_click=lambda: remove_vessel(ctx, vessel)) \
                    .props("flat round dense color=grey-8").mark(f"remove-vessel-{vessel['imo']}")
                for button, text in ((edit, "Edit"), (remove, "Remove")):
                    button.props["aria-label"] = f"{text} {vessel['name']}"
                    button.tooltip(f"{text} vessel")
        parts = [f"IMO {vessel['imo']}", f"Flag {vessel['flag']}" if vessel.get("flag") else ""]
        ui.label(" · ".join(p for p in parts if p)).classes("text-[14px] text-[#34475b]")
        details = [vessel.get("vessel_type") or "", f"{vessel['dwt']:,} DWT".replace(",", " ") if vessel.get("dwt")
                   else "", f"LOA {vessel['length_m']:g} m" if vessel.get("length_m") else ""]
        ui.label(" · ".join(d for d in details if d)).classes("sts-muted text-[13px]")


def status_menu(ctx: RoomContext, current: str) -> None:
    """The room's status (draft → documents pending → ready → active → completed, or cancelled), for managers."""
    async def choose(status: str) -> None:
        ready = await threads.io(ctx.sts.rooms.readiness, ctx.room_id)  # as it is now, not when the menu was built
        if not await confirm_status(status, status_label(status), ready):
            return
        ok, _ = await ctx.act(ctx.sts.rooms.update_room, {"status": status})
        if ok:
            widgets.notify_ok(f"Room status: {status_label(status)}")
            await ctx.changed("header", "activity")

    with ui.button("Change status").props("icon-right=expand_more flat dense no-caps color=secondary size=sm") \
            .mark("room-status"):
        with ui.menu():
            for status in ROOM_STATUSES:
                ui.menu_item(status_label(status), on_click=lambda s=status: choose(s)) \
                    .props("disable" if status == current else "").mark(f"room-status-{status}")


class ReadinessBox:
    """The header's readiness bar, updated alone when a document changes (the rest of the header stays)."""

    def __init__(self, ctx: RoomContext) -> None:
        self.ctx = ctx
        self.container: ui.element | None = None
        ctx.on_change(self.reload, "readiness")

    def build(self, ready: ReadinessView) -> None:
        with Island(), ui.column().classes("w-full gap-1") as self.container:
            widgets.readiness_bar(ready)

    async def reload(self) -> None:
        if self.container is None or self.container.is_deleted:
            return
        ready = await threads.io(self.ctx.sts.rooms.readiness, self.ctx.room_id)
        if self.container.is_deleted:
            return
        self.container.clear()
        with self.container:
            widgets.readiness_bar(ready)


def room_header(ctx: RoomContext) -> LiveSection:
    readiness = ReadinessBox(ctx)
    section = LiveSection(lambda: load_header(ctx), lambda data: build_header(ctx, data, readiness))
    ctx.on_change(section.reload, "header")
    return section


def build_header(ctx: RoomContext, data: HeaderData, readiness: ReadinessBox) -> None:
    room, ready = data.room, data.readiness
    with ui.column().classes("sts-card w-full p-6 gap-5").mark("room-header"):
        with ui.row().classes("w-full gap-8 no-wrap items-start sts-room-top"):
            with ui.column().classes("flex-1 gap-3 min-w-0"):
                with ui.row().classes("items-center gap-3"):
                    widgets.status_chip(room.get("status") or "draft")
                    if ctx.can_manage:
                        status_menu(ctx, room.get("status") or "draft")
                        ui.button("Edit room", icon="edit", on_click=lambda: open_edit_room_dialog(ctx, room)) \
                            .props("flat dense no-caps color=secondary size=sm").mark("edit-room")
                    if ctx.user.is_admin:
                        send_to_button(ctx.room_id)
                    if ctx.party:
                        ui.label(f"You: {widgets.role_label(ctx.party['role'])}").classes("sts-muted text-[13px]")
                widgets.heading(room["title"]).mark("room-title")
                with ui.row().classes("gap-x-10 gap-y-3 mt-1"):
                    _fact("place", "Location", room.get("location") or "Not set")
                    _fact("schedule", "STS ETA", formatting.when(room.get("sts_eta"), "Not set"),
                          formatting.relative(room.get("sts_eta")))
                    window = ctx.sts.rooms.window(room).view()
                    _fact("date_range", "Operation window", window["label"] if window["end"] is None else
                          f"{window['label']}, until {formatting.when(window['end'])}")
                    cargo = " · ".join(c for c in (room.get("cargo_type"), room.get("cargo_quantity")) if c)
                    _fact("oil_barrel", "Cargo", cargo or "Not set")
                if room.get("description"):
                    ui.label(room["description"]).classes("sts-muted text-[14px] max-w-3xl leading-relaxed")
            with ui.column().classes("w-[300px] shrink-0 gap-2 rounded-xl sts-panel p-4 sts-room-ready") \
                    .mark("room-readiness"):
                ui.label("Clearance readiness").classes("sts-label")
                readiness.build(ready)
        with ui.column().classes("w-full gap-2"):
            with ui.row().classes("w-full items-center"):
                ui.label("Vessels").classes("sts-label")
                ui.space()
                if ctx.can_manage:
                    ui.button("Add vessel", icon="add", on_click=lambda: open_vessel_dialog(ctx)) \
                        .props("flat dense no-caps color=secondary").mark("add-vessel")
            with ui.row().classes("w-full gap-4"):
                for vessel in data.vessels:
                    _vessel(ctx, vessel)
                if not data.vessels:
                    ui.label("No vessels yet. Add the mother and daughter vessels to list their documents.") \
                        .classes("sts-muted text-[14px]")
