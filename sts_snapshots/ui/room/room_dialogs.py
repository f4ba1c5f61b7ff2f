"""Correcting a room: its facts (title, location, ETA, cargo, description), and adding, editing or removing a vessel."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from ...domain.records import ReadinessView, RoomRecord, VesselRecord
from ..shell import threads, widgets
from .context import RoomContext

VESSEL_ROLES = {"mother": "Mother vessel", "daughter": "Daughter vessel"}


def eta_input_value(value: str | None) -> str:
    """A stored ETA as the ``datetime-local`` field shows it (UTC, to the minute).

    >>> eta_input_value("2026-12-07T06:00:00+00:00"), eta_input_value(None)
    ('2026-12-07T06:00', '')
    """
    return (value or "")[:16]


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``after`` that differ from ``before`` (an empty text and None count as the same).

    >>> changed_fields({"title": "A", "location": None}, {"title": "A", "location": "", "cargo_type": "Oil"})
    {'cargo_type': 'Oil'}
    """
    return {k: v for k, v in after.items() if (before.get(k) or None) != (v or None)}


def open_edit_room_dialog(ctx: RoomContext, room: RoomRecord) -> None:
    with widgets.dialog_box("Edit room", "Correct what was mistyped; every change goes into the activity log.") \
            as dialog:
        with widgets.dialog_body():
            title = ui.input("Title *", value=room["title"]).props("outlined").classes("w-full").mark("edit-title")
            location = ui.input("Location", value=room.get("location") or "").props("outlined").classes("w-full") \
                .mark("edit-location")
            with ui.row().classes("w-full gap-3 sts-fields"):
                eta = ui.input("STS ETA (UTC)", value=eta_input_value(room.get("sts_eta"))) \
                    .props("outlined type=datetime-local stack-label").classes("flex-1 min-w-[200px]") \
                    .mark("edit-eta")
                hours = ui.number("Planned duration (hours)", value=room.get("planned_hours") or 48, min=1,
                                  max=1440, step=1, format="%.0f").props("outlined") \
                    .classes("flex-1 min-w-[160px]").mark("edit-hours")
            with ui.row().classes("w-full gap-3 sts-fields"):
                cargo = ui.input("Cargo type", value=room.get("cargo_type") or "").props("outlined") \
                    .classes("flex-1 min-w-[160px]").mark("edit-cargo")
                quantity = ui.input("Quantity", value=room.get("cargo_quantity") or "").props("outlined") \
                    .classes("flex-1 min-w-[160px]").mark("edit-quantity")
            description = ui.textarea("Description", value=room.get("description") or "") \
                .props("outlined autogrow").classes("w-full").mark("edit-description")
            error = ui.label("").classes("text-negative text-[14px]").mark("edit-room-error")

        async def save() -> None:
            after = {"title": (title.value or "").strip(), "location": location.value or "",
                     "sts_eta": eta.value or None, "cargo_type": cargo.value or "",
                     "cargo_quantity": quantity.value or "", "description": description.value or "",
                     "planned_hours": int(hours.value) if hours.value else 48}
            before = {**room, "sts_eta": eta_input_value(room.get("sts_eta")) or None,
                      "planned_hours": room.get("planned_hours") or 48}
            changes = changed_fields(dict(before), after)
            if not changes:
                dialog.close()
                return
            if await submit(ctx, error, ctx.sts.rooms.update_room, changes):
                dialog.close()
                widgets.notify_ok("Room updated")
                await ctx.changed("header", "activity")

        widgets.actions(dialog, "Save", save, icon="save", marker="edit-room-ok")
    dialog.open()


async def submit(ctx: RoomContext, error: ui.label, fn: Any, *args: Any) -> bool:
    """``fn(user, room_id, *args)`` as the page's user; a refusal is written beside the fields, in their words."""
    user = await ctx.signed_in()
    if user is None:
        return False
    try:
        await threads.io(fn, user, ctx.room_id, *args)
    except widgets.USER_ERRORS as exc:
        error.set_text(widgets.user_message(exc))
        return False
    return True


def open_vessel_dialog(ctx: RoomContext, vessel: VesselRecord | None = None) -> None:
    """Add a vessel, or (given one) correct it."""
    v: dict[str, Any] = dict(vessel or {})
    title, subtitle = (f"Edit {v['name']}", "Its documents stay as they are.") if vessel else \
        ("Add vessel", "Its required documents are added to the room as missing.")
    with widgets.dialog_box(title, subtitle) as dialog:
        with widgets.dialog_body():
            with ui.row().classes("w-full gap-3 sts-fields"):
                name = ui.input("Vessel name *", value=v.get("name", ""), placeholder="MT ...").props("outlined") \
                    .classes("flex-[2] min-w-[180px]").mark("vessel-name")
                imo = ui.input("IMO number *", value=v.get("imo", ""), placeholder="7 digits").props("outlined") \
                    .classes("flex-1 min-w-[140px]").mark("vessel-imo")
            with ui.row().classes("w-full gap-3 sts-fields"):
                role = ui.select(VESSEL_ROLES, value=v.get("role", "daughter"), label="Role").props("outlined") \
                    .classes("flex-1 min-w-[140px]").mark("vessel-role")
                flag = ui.input("Flag", value=v.get("flag", ""), placeholder="e.g. Malta").props("outlined") \
                    .classes("flex-1 min-w-[140px]").mark("vessel-flag")
            with ui.row().classes("w-full gap-3 sts-fields"):
                kind = ui.input("Type", value=v.get("vessel_type", "Oil tanker")).props("outlined") \
                    .classes("flex-[2] min-w-[160px]").mark("vessel-type")
                dwt = ui.number("DWT", value=v.get("dwt"), min=1, precision=0).props("outlined") \
                    .classes("flex-1 min-w-[100px]").mark("vessel-dwt")
                length = ui.number("LOA (m)", value=v.get("length_m"), min=1).props("outlined") \
                    .classes("flex-1 min-w-[100px]").mark("vessel-length")
            error = ui.label("").classes("text-negative text-[14px]").mark("vessel-error")

        async def save() -> None:
            fields = {"name": name.value or "", "imo": (imo.value or "").strip(), "role": role.value,
                      "flag": flag.value or "", "vessel_type": kind.value or "",
                      "dwt": int(dwt.value) if dwt.value else None, "length_m": length.value or None}
            if vessel is None:
                ok = await submit(ctx, error, ctx.sts.rooms.add_vessel, fields)
            else:
                ok = await submit(ctx, error, ctx.sts.rooms.update_vessel, vessel["id"], fields)
            if ok:
                dialog.close()
                widgets.notify_ok(f"{fields['name']} {'updated' if vessel else 'added'}")
                await ctx.changed()

        widgets.actions(dialog, "Save" if vessel else "Add vessel", save, icon="save" if vessel else "add",
                        marker="save-vessel-ok" if vessel else "add-vessel-ok")
    dialog.open()


def removal_text(vessel: VesselRecord, uploaded: int, slots: int) -> str:
    """What removing ``vessel`` does to its documents, said before the user confirms.

    >>> removal_text({"name": "MT A"}, 0, 12)
    'MT A and its 12 document slots (none has a file yet) are removed from the room. This cannot be undone.'
    >>> removal_text({"name": "MT A"}, 2, 12)[:60]
    'MT A cannot be removed: 2 of its documents hold uploaded fil'
    """
    if uploaded:
        return (f"{vessel['name']} cannot be removed: {uploaded} of its documents hold uploaded files, which are "
                "evidence. If its name or IMO number is wrong, edit the vessel instead.")
    return (f"{vessel['name']} and its {slots} document slots (none has a file yet) are removed from the room. "
            "This cannot be undone.")


async def remove_vessel(ctx: RoomContext, vessel: VesselRecord) -> None:
    docs = [d for d in await threads.io(ctx.sts.rooms.documents_of, ctx.room_id) if d.get("vessel_id") == vessel["id"]]
    uploaded = sum(1 for d in docs if d.get("versions"))
    text = removal_text(vessel, uploaded, len(docs))
    if uploaded:
        await widgets.confirm(f"Remove {vessel['name']}?", text, ok="OK", color="primary", cancel=False)
        return
    if not await widgets.confirm(f"Remove {vessel['name']}?", text, ok="Remove"):
        return
    ok, _ = await ctx.act(ctx.sts.rooms.remove_vessel, vessel["id"])
    if ok:
        widgets.notify_ok(f"{vessel['name']} removed")
        await ctx.changed()


async def confirm_status(status: str, label: str, ready: ReadinessView) -> bool:
    """Setting a room Ready or Completed while documents are outstanding asks first."""
    if status not in ("ready", "completed") or ready.get("ready"):
        return True
    return await widgets.confirm(
        f"Set the room {label} although it is not ready?",
        f"Only {ready['approved']} of {ready['required']} required documents are approved. The activity log will "
        "record that the room was set this way while not ready.", ok=f"Set {label}", color="warning")
