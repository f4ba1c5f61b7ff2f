"""``/rooms/{room_id}``: one STS operation, its documents, snapshots, parties and activity."""

from __future__ import annotations

import asyncio

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ...context import StsApp
from ...domain.ids import is_id
from ...services.errors import NotFound
from ..shell import session, theme, threads, widgets
from ..sync_now import sync_now
from .activity import ActivitySection
from .checklists import ChecklistsSection
from .conflicts import ConflictsSection
from .context import RoomContext
from .documents import DocumentsSection
from .header import room_header
from .parties import PartiesSection
from .snapshots import SnapshotsSection


def not_found() -> None:
    widgets.message_panel("travel_explore", "Room not found",
                          "This room does not exist, or you are not one of its parties. "
                          "Ask the room's organiser to add you.", "room-not-found")


def register(sts: StsApp) -> None:
    @ui.page("/rooms/{room_id}")
    async def room_page(request: Request, room_id: str) -> RedirectResponse | None:
        user = await session.current_user(sts)
        if user is None:
            return session.to_login(request)
        ctx = None
        if is_id(room_id):
            try:
                ctx = await threads.io(RoomContext.load, sts, user, room_id)
            except NotFound:
                ctx = None
        skip = ("Skip to Snapshots", "#snapshots") if ctx is not None else None
        with theme.frame(user, active="rooms", title="Room", skip=skip):
            if ctx is None:
                not_found()
                return None
            with ui.row().classes("items-center gap-1 -mb-2"):
                ui.button("All rooms", icon="arrow_back", on_click=lambda: ui.navigate.to("/")) \
                    .props("flat dense no-caps color=secondary").mark("back-to-rooms")
            header = room_header(ctx)
            conflicts = ConflictsSection(ctx)  # merge conflicts of room packs: shown only while one is open
            sync_now(ctx)  # "Sync now" with each paired installation, admins only
            with ui.element("div").classes("grid grid-cols-1 xl:grid-cols-3 gap-6 w-full items-start"):
                with ui.column().classes("xl:col-span-2 gap-4 min-w-0"):
                    documents = DocumentsSection(ctx)
                    checklists = ChecklistsSection(ctx)
                with ui.column().classes("gap-6 min-w-0"):
                    snapshots = SnapshotsSection(ctx)
                    parties = PartiesSection(ctx)
                    activity = ActivitySection(ctx)
            # each section reads its data in a thread and builds into its own container: all at once, so the page
            # waits for the slowest read rather than the sum of seven
            await asyncio.gather(*(section.reload() for section in
                                   (header, conflicts, documents, checklists, snapshots, parties, activity)))
            snapshots.start_polling()
        return None
