"""The "New room" dialog: the operation's basics; the creator joins the room with the role they pick."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from ...context import StsApp
from ...domain.models import PARTY_ROLES
from ...services.users import User
from ..shell import threads, widgets


def open_new_room_dialog(sts: StsApp, user: User) -> None:
    with widgets.dialog_box("New room", "One room per STS operation. You can add vessels and parties next.") \
            as dialog:
        with widgets.dialog_body():
            title = ui.input("Title *", placeholder="e.g. Skaw STS — MT Nordic / MT Star").props("outlined") \
                .classes("w-full").mark("room-title")
            title.on_value_change(lambda: title.props(remove="error error-message"))
            location = ui.input("Location", placeholder="Anchorage or area").props("outlined").classes("w-full") \
                .mark("room-location")
            with ui.row().classes("w-full gap-3 no-wrap"):
                eta = ui.input("STS ETA (UTC)").props("outlined type=datetime-local stack-label").classes("flex-1") \
                    .mark("room-eta")
                role = ui.select({k: v for k, v in PARTY_ROLES.items() if k != "viewer"}, value="sts_provider",
                                 label="Your role").props("outlined").classes("flex-1").mark("room-role")
            with ui.row().classes("w-full gap-3 no-wrap"):
                cargo = ui.input("Cargo type", placeholder="e.g. Crude oil").props("outlined").classes("flex-1") \
                    .mark("room-cargo")
                quantity = ui.input("Quantity", placeholder="e.g. 95 000 t").props("outlined").classes("flex-1") \
                    .mark("room-quantity")
            description = ui.textarea("Description", placeholder="Weather limits, contacts, special conditions") \
                .props("outlined autogrow").classes("w-full").mark("room-description")

        async def create() -> None:
            if not (title.value or "").strip():
                title.props("error error-message='Give the room a title'")
                return
            fields: dict[str, Any] = {"title": title.value, "location": location.value or "",
                                      "sts_eta": eta.value or None, "cargo_type": cargo.value or "",
                                      "cargo_quantity": quantity.value or "", "description": description.value or ""}
            try:
                room = await threads.io(sts.rooms.create_room, user, fields, role.value)
            except widgets.USER_ERRORS as exc:
                widgets.notify_error(exc)
                return
            dialog.close()
            ui.navigate.to(f"/rooms/{room['id']}")

        widgets.actions(dialog, "Create room", create, icon="add", marker="create-room")
    dialog.open()
