"""The room page's "Sync now" (issue 19): for admins, one button per paired installation, and when the room last
synced with it. Nothing is shown to others, or while this installation is paired with none."""

from __future__ import annotations

from functools import partial
from urllib.parse import urlsplit

from nicegui import background_tasks, ui

from ..packs import PackRefused
from ..packs.pairing import pairings
from ..packs.sync import SyncFailed, client_for, sync_room
from ..services.errors import Conflict
from ..services.pairing import SyncPeer, SyncRun
from ..services.users import User
from .room.context import RoomContext
from .shell import threads, widgets


def load(ctx: RoomContext) -> tuple[list[SyncPeer], list[SyncRun]]:
    found = pairings(ctx.sts)
    return found.peers(), found.runs_of(ctx.room_id)


def last_sync(run: SyncRun | None) -> str:
    """What the page says of a room's last sync with a peer.

    >>> last_sync(None)
    'not synced yet'
    >>> last_sync({"succeeded_at": "2026-12-03T13:00:00Z", "error": "down"})  # type: ignore[typeddict-item]
    'last synced 2026-12-03T13:00:00Z; the last try failed: down'
    """
    if run is None:
        return "not synced yet"
    text = f"last synced {run['succeeded_at']}" if run["succeeded_at"] else "never synced"
    return text + (f"; the last try failed: {run['error']}" if run["error"] else "")


class SyncNow:
    def __init__(self, ctx: RoomContext) -> None:
        self.ctx = ctx
        self.box = ui.column().classes("w-full gap-1").mark("sync-now")
        ctx.on_change(self.reload)
        if ctx.user.is_admin:  # the page reloads its own sections; this one loads itself, beside them
            background_tasks.create(self.reload(), name="sync-now")

    async def reload(self) -> None:
        if not self.ctx.user.is_admin:
            return
        peers, runs = await threads.io(load, self.ctx)
        if self.box.is_deleted:
            return
        self.box.clear()
        with self.box:
            for peer in peers:
                run = next((r for r in runs if r["peer"] == peer["id"]), None)
                with ui.row().classes("items-center gap-2"):
                    ui.button(f"Sync now with {urlsplit(peer['url']).netloc}", icon="sync",
                              on_click=partial(self.sync, peer)).props("outline dense no-caps color=primary") \
                        .mark(f"sync-now-{peer['id']}")
                    ui.label(last_sync(run)).classes("sts-muted text-[13px]").mark(f"sync-status-{peer['id']}")

    async def sync(self, peer: SyncPeer) -> None:
        def run(user: User, room_id: str) -> tuple[bool, str]:
            try:
                with client_for(self.ctx.sts, peer) as client:
                    return True, sync_room(self.ctx.sts, user, peer, room_id, client).text()
            except (SyncFailed, PackRefused, Conflict) as exc:
                return False, str(exc)

        done, outcome = await self.ctx.act(run)
        if not done or outcome is None:
            return
        if outcome[0]:
            widgets.notify_ok(f"Synced: {outcome[1]}")
        else:
            widgets.notify_error(SyncFailed(f"Not synced: {outcome[1]}"))
        await self.ctx.changed()


def sync_now(ctx: RoomContext) -> SyncNow:
    """Plug "Sync now" into the room page (where it stands is where the call is)."""
    return SyncNow(ctx)
