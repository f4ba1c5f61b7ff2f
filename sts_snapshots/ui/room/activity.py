"""The room's activity log: the latest 50 entries, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from nicegui import ui

from ...domain.records import ActivityRecord
from ..shell import formatting, threads, widgets
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
        self.ctx = ctx
        self.entries: list[tuple[str, ui.html]] = []  # (entry id, element), newest first
        ctx.on_change(self.update, "activity")

    async def reload(self) -> None:
        await self.live.reload()

    async def update(self) -> None:
        """After a change: put the new entries on top and drop the oldest, keeping the rest as they are."""
        shown = [entry_id for entry_id, _ in self.entries]
        if not shown:
            await self.live.reload()
            return
        data = await threads.io(load_activity, self.ctx)
        ids = [item["id"] for item in data.items]
        if self.live.container.is_deleted or shown[0] not in ids:
            self.live.data = data
            self.live.rebuild()
            return
        fresh = data.items[:ids.index(shown[0])]
        if ids[len(fresh):] != shown[:len(ids) - len(fresh)]:  # not only new entries on top: build it anew
            self.live.data = data
            self.live.rebuild()
            return
        with self.live.container:
            added = [(item["id"], self.entry(item, data.names)) for item in fresh]
        for index, (_, element) in enumerate(added):
            element.move(target_index=index)
        self.entries = added + self.entries
        for _, element in self.entries[len(ids):]:
            element.delete()
        self.entries = self.entries[:len(ids)]
        self.live.data = data

    def build(self, data: RoomActivity) -> None:
        self.entries = []
        if not data.items:
            widgets.empty_state("history", "Nothing has happened yet")
        for item in data.items:
            self.entries.append((item["id"], self.entry(item, data.names)))

    @staticmethod
    def entry(item: ActivityRecord, names: dict[str, str]) -> ui.html:
        """One element per entry: the log shows up to 50 of them."""
        esc = widgets.esc
        actor = names.get(item["actor"], item["actor"])
        details = f'<div class="sts-muted text-[12px] break-words">{esc(item["details"])}</div>' \
            if item.get("details") else ""
        return ui.html(f'<i class="q-icon notranslate material-icons text-[18px] text-[#6b7d90] mt-[2px]" '
                       f'aria-hidden="true">{icon_for(item["action"])}</i>'
                       f'<div class="flex-1 min-w-0"><span class="font-semibold text-[13px]">{esc(actor)}</span> '
                       f'<span class="text-[13px]">{esc(item["action"])}</span>{details}</div>'
                       f'<span class="sts-muted text-[12px] shrink-0" title="{formatting.when(item["at"])}">'
                       f'{formatting.relative(item["at"])}</span>', sanitize=False) \
            .classes("w-full flex no-wrap gap-3 px-4 py-2.5 items-start border-b border-[#f0f2f5]")
