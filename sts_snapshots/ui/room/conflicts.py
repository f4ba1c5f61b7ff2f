"""The room's open merge conflicts (issue 19): what two installations changed differently, both values and where
each comes from; an admin keeps one. Nothing is shown while there are none."""

from __future__ import annotations

from typing import Literal

from nicegui import ui

from ...packs.duplicates import is_duplicate
from ...packs.merge import resolve
from ...packs.states import sync_state
from ...services.sync_state import ConflictRecord, ConflictView, conflict_view
from ...services.users import User
from ..shell import threads, widgets
from .context import RoomContext


def load_conflicts(ctx: RoomContext) -> list[ConflictView]:
    return [conflict_view(c) for c in sync_state(ctx.sts).conflicts(ctx.room_id)]


class ConflictsSection:
    def __init__(self, ctx: RoomContext) -> None:
        self.ctx = ctx
        self.box = ui.column().classes("w-full gap-0").mark("conflicts")
        ctx.on_change(self.reload)

    async def reload(self) -> None:
        found = await threads.io(load_conflicts, self.ctx)
        if self.box.is_deleted:
            return
        self.box.clear()
        if not found:
            return
        with self.box, widgets.card(f"Conflicts ({len(found)})", "call_split", marker="conflicts-card"):
            with ui.column().classes("w-full gap-0"):
                ui.label("Another installation changed these fields differently since the last exchange. This "
                         "installation's value is in force until an admin keeps one; snapshots say so on their "
                         "cover.").classes("sts-muted text-[13px] px-4 pt-3")
                for conflict in found:
                    self.entry(conflict)

    def entry(self, c: ConflictView) -> None:
        with ui.column().classes("w-full gap-1 px-4 py-3 border-b border-[#f0f2f5]").mark(f"conflict-{c['id']}"):
            ui.label(c["label"]).classes("font-semibold text-[14px]")
            if c["rule"] and is_duplicate(c["key"]):
                ui.label(f"{c['rule'][:1].upper()}{c['rule'][1:]}: keeping one removes the other") \
                    .classes("text-negative text-[13px]")
            elif c["rule"]:
                ui.label(f"The checklist rules forbid the merged state: {c['rule']}").classes("text-negative "
                                                                                              "text-[13px]")
            ui.label(f"Here ({c['local_origin'][:8]}): {c['local_text']}").classes("text-[13px] break-words")
            ui.label(f"Installation {c['remote_origin'][:8]}: {c['remote_text']}") \
                .classes("text-[13px] break-words")
            if self.ctx.user.is_admin:
                with ui.row().classes("gap-2 pt-1"):
                    ui.button("Keep this installation's", on_click=lambda cid=c["id"]: self.keep(cid, "local")) \
                        .props("outline dense no-caps color=primary").mark(f"keep-local-{c['id']}")
                    ui.button("Keep the other's", on_click=lambda cid=c["id"]: self.keep(cid, "remote")) \
                        .props("outline dense no-caps color=primary").mark(f"keep-remote-{c['id']}")

    async def keep(self, conflict_id: str, which: Literal["local", "remote"]) -> None:
        def run(user: User, room_id: str) -> ConflictRecord:
            return resolve(self.ctx.sts, user, room_id, conflict_id, which)

        done, _ = await self.ctx.act(run)
        if done:
            widgets.notify_ok("Conflict resolved: the choice goes to the other installation with the next pack")
            await self.ctx.changed()
