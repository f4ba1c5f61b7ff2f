"""The room's activity log: the latest 50 entries, newest first."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from . import formatting, widgets
from .room_context import LiveSection, RoomContext

ICONS = {"document": "description", "snapshot": "picture_as_pdf", "approval": "how_to_reg", "party": "person",
         "vessel": "directions_boat", "room": "meeting_room"}


def icon_for(action: str) -> str:
    """An icon for an activity entry from the first word of its action.

    >>> icon_for("snapshot created"), icon_for("something else")
    ('picture_as_pdf', 'history')
    """
    return ICONS.get(action.split(" ", 1)[0], "history")


def load_activity(ctx: RoomContext) -> dict[str, Any]:
    names = {p["email"]: p["name"] for p in ctx.sts.rooms.parties.find(room_id=ctx.room_id) if p.get("email")}
    return {"items": ctx.sts.rooms.activity_for(ctx.room_id, limit=50), "names": names}


class ActivitySection:
    def __init__(self, ctx: RoomContext) -> None:
        with widgets.card("Activity", "history", marker="activity"):
            with ui.scroll_area().classes("w-full h-[420px]"):
                self.live = LiveSection(lambda: load_activity(ctx), self.build, classes="gap-0")
        ctx.on_change(self.live.reload)

    async def reload(self) -> None:
        await self.live.reload()

    @staticmethod
    def build(data: dict[str, Any]) -> None:
        if not data["items"]:
            widgets.empty_state("history", "Nothing has happened yet")
        for item in data["items"]:
            actor = data["names"].get(item["actor"], item["actor"])
            with ui.row().classes("w-full no-wrap gap-3 px-4 py-2.5 items-start border-b border-[#f0f2f5]"):
                ui.icon(icon_for(item["action"]), size="18px").classes("text-[#6b7d90] mt-[2px]")
                with ui.column().classes("flex-1 min-w-0 gap-0"):
                    with ui.row().classes("gap-1 items-baseline"):
                        ui.label(actor).classes("font-semibold text-[13px]")
                        ui.label(item["action"]).classes("text-[13px]")
                    if item.get("details"):
                        ui.label(item["details"]).classes("sts-muted text-[12px] break-words")
                with ui.label(formatting.relative(item["at"])).classes("sts-muted text-[12px] shrink-0"):
                    ui.tooltip(formatting.when(item["at"]))
