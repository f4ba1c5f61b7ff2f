"""``/``: the rooms (STS operations) the user takes part in, with search and readiness at a glance."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ..app import StsApp
from ..services.users import User
from . import formatting, session, theme, threads, widgets
from .new_room_dialog import open_new_room_dialog


def load_rooms(sts: StsApp, user: User) -> list[dict[str, Any]]:
    """The rooms with their vessels, so search can match vessel names too."""
    rooms = sts.rooms.list_rooms(user)
    for room in rooms:
        vessels = sorted(sts.rooms.vessels.find(room_id=room["id"]), key=lambda v: v["role"] != "mother")
        room["vessels"] = vessels
    return rooms


def matches(room: dict[str, Any], query: str) -> bool:
    """Whether a room's title, location or one of its vessels (name or IMO) contains the query.

    >>> room = {"title": "Skaw STS", "location": "Skagen", "vessels": [{"name": "MT Nordic", "imo": "9321483"}]}
    >>> matches(room, "nordic"), matches(room, "skagen"), matches(room, "9321"), matches(room, "malta")
    (True, True, True, False)
    """
    needle = query.strip().casefold()
    if not needle:
        return True
    haystack = [room.get("title", ""), room.get("location", "")]
    haystack += [f"{v.get('name', '')} {v.get('imo', '')}" for v in room.get("vessels", [])]
    return any(needle in str(text).casefold() for text in haystack)


def room_card(room: dict[str, Any]) -> None:
    with ui.link(target=f"/rooms/{room['id']}").classes("no-underline text-inherit block").mark("room-card"):
        with ui.column().classes("sts-card sts-row-link w-full h-full p-5 gap-3"):
            with ui.row().classes("w-full items-center no-wrap"):
                widgets.status_chip(room.get("status") or "draft")
                ui.space()
                if room.get("sts_eta"):
                    ui.label(formatting.relative(room["sts_eta"])).classes("sts-muted text-[13px] font-medium")
            ui.label(room["title"]).classes("text-[17px] font-semibold text-[#0b2545] leading-snug line-clamp-2")
            with ui.column().classes("gap-1.5 text-[14px] text-[#34475b]"):
                _fact("place", room.get("location") or "Location not set")
                _fact("schedule", f"ETA {formatting.when(room.get('sts_eta'), 'not set')}")
                names = " ⇄ ".join(v["name"] for v in room["vessels"]) or "No vessels yet"
                _fact("directions_boat", names)
            ui.separator().classes("my-1")
            widgets.readiness_bar(room["readiness"], compact=True)


def _fact(icon: str, text: str) -> None:
    with ui.row().classes("items-center gap-2 no-wrap"):
        ui.icon(icon, size="18px").classes("text-[#6b7d90]")
        ui.label(text).classes("truncate")


def register(sts: StsApp) -> None:
    @ui.page("/")
    async def rooms_page(request: Request) -> RedirectResponse | None:
        user = await session.current_user(sts)
        if user is None:
            return session.to_login(request)
        rooms = await threads.io(load_rooms, sts, user)

        @ui.refreshable
        def room_grid() -> None:
            shown = [r for r in rooms if matches(r, search.value or "")]
            if not rooms:
                widgets.empty_state("sailing", "No rooms yet",
                                    "Create a room for your next STS operation, or ask its organiser to add you.")
            elif not shown:
                widgets.empty_state("search_off", "No rooms match your search",
                                    "Search by room title, location, vessel name or IMO number.")
            else:
                with ui.element("div").classes("grid grid-cols-1 md:grid-cols-2 xl:grid-cols-3 gap-5 w-full"):
                    for room in shown:
                        room_card(room)

        with theme.frame(user, active="rooms", title="Rooms"):
            with ui.row().classes("w-full items-end gap-4"):
                with ui.column().classes("gap-1"):
                    ui.label("Rooms").classes("sts-h1")
                    count = f"{len(rooms)} operation{'s' if len(rooms) != 1 else ''}"
                    scope = "all STS operations" if user.is_admin else "operations you take part in"
                    ui.label(f"{count} · {scope}").classes("sts-muted")
                ui.space()
                search = ui.input(placeholder="Search title, location or vessel", on_change=room_grid.refresh) \
                    .props("outlined dense clearable debounce=200 bg-color=white").classes("w-80").mark("search")
                with search.add_slot("prepend"):
                    ui.icon("search")
                ui.button("New room", icon="add", on_click=lambda: open_new_room_dialog(sts, user)) \
                    .props("unelevated color=primary").classes("h-10").mark("new-room")
            room_grid()
        return None
