"""The room's activity log: the latest 50 entries, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from nicegui import ui

from ...domain.records import ActivityRecord
from ..shell import formatting, widgets
from ..shell.live import LiveSection
from .context import RoomContext

ICONS = {"document": "description", "snapshot": "picture_as_pdf", "approval": "how_to_reg", "party": "person",
         "vessel": "directions_boat", "room": "meeting_room"}


def icon_for(action: str) -> str:
    """An icon for an activity entry from the first word of its action.

    >>> icon_for("snapshot created"), icon_for("something else")
    ('picture_as_pdf', 'history')
    """
    return ICONS.get(action.split(" ", 1)[0], "history")


@dataclass(frozen=True)
class RoomActivity:
    items: list[ActivityRecord]
    names: dict[str, str]  # e-mail -> the party's name, so the log reads "Søren Madsen", not an address


def load_activity(ctx: RoomContext) -> RoomActivity:
    names = {p["email"]: p["name"] for p in ctx.sts.rooms.parties_of(ctx.room_id) if p["email"]}
    return RoomActivity(ctx.sts.rooms.activity_for(ctx.room_id, limit=50), names)


class ActivitySection:
    def __init__(self, ctx: RoomContext) -> None:
        with widgets.card("Activity", "history", marker="activity"):
            # a plain scrolling region that keyboards can reach (a Quasar scroll area's inner box cannot take focus)
            with ui.element("div").classes("w-full h-[420px] overflow-y-auto sts-scroll") \
                    .props('tabindex=0 role=region aria-label="Activity log"'):
                self.live = LiveSection(lambda: load_activity(ctx), self.build, classes="gap-0")
        ctx.on_change(self.live.reload, "activity")

    async def reload(self) -> None:
        await self.live.reload()

    @staticmethod
    def build(data: RoomActivity) -> None:
        if not data.items:
            widgets.empty_state("history", "Nothing has happened yet")
        esc = widgets.esc
        for item in data.items:
            actor = data.names.get(item["actor"], item["actor"])
            details = f'<div class="sts-muted text-[12px] break-words">{esc(item["details"])}</div>' \
                if item.get("details") else ""
            # one element per entry: the log shows up to 50 of them and is rebuilt after every change
            ui.html(f'<i class="q-icon notranslate material-icons text-[18px] text-[#6b7d90] mt-[2px]" '
                    f'aria-hidden="true">{icon_for(item["action"])}</i>'
                    f'<div class="flex-1 min-w-0"><span class="font-semibold text-[13px]">{esc(actor)}</span> '
                    f'<span class="text-[13px]">{esc(item["action"])}</span>{details}</div>'
                    f'<span class="sts-muted text-[12px] shrink-0" title="{formatting.when(item["at"])}">'
                    f'{formatting.relative(item["at"])}</span>', sanitize=False) \
                .classes("w-full flex no-wrap gap-3 px-4 py-2.5 items-start border-b border-[#f0f2f5]")
