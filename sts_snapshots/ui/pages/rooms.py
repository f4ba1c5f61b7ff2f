"""``/``: the rooms (STS operations) the user takes part in, with search and readiness at a glance."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ...context import StsApp
from ...domain.records import RoomView, VesselRecord
from ...services.users import User
from ..shell import formatting, session, theme, threads, widgets
from .new_room_dialog import open_new_room_dialog
from .packs import open_import_dialog


class ListedRoom(RoomView):
    """A room with its vessels, so search can match vessel names too."""

    vessels: list[VesselRecord]


def load_rooms(sts: StsApp, user: User) -> list[ListedRoom]:
    return [ListedRoom(**room, vessels=sts.rooms.vessels_of(room["id"])) for room in sts.rooms.list_rooms(user)]


def matches(room: ListedRoom, query: str) -> bool:
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


def room_card(room: ListedRoom) -> None:
    """One operation as a full-width row: what and where on the left, how ready on the right."""
    with ui.link(target=f"/rooms/{room['id']}").classes("no-underline text-inherit block w-full").mark("room-card"):
        with ui.row().classes("sts-card sts-row-link sts-room-row w-full px-6 py-5 gap-8 no-wrap items-center"):
            with ui.column().classes("flex-1 min-w-0 gap-2"):
                with ui.row().classes("items-center gap-3"):
                    widgets.status_chip(room.get("status") or "draft")
                    if room.get("sts_eta"):
                        ui.label(f"STS {formatting.relative(room['sts_eta'])}").classes(
                            "sts-muted text-[13px] font-medium")
                ui.label(room["title"]).classes("text-[18px] font-semibold text-[#0b2545] leading-snug")
                with ui.row().classes("gap-x-6 gap-y-1 text-[14px] text-[#34475b]"):
                    _fact("place", room.get("location") or "Location not set")
                    _fact("schedule", f"ETA {formatting.when(room.get('sts_eta'), 'not set')}")
                    names = " ⇄ ".join(v["name"] for v in room["vessels"]) or "No vessels yet"
                    _fact("directions_boat", names)
            with ui.column().classes("w-[340px] shrink-0 gap-1 sts-room-ready"):
                widgets.readiness_bar(room["readiness"], compact=True)
            ui.icon("chevron_right", size="28px").classes("text-[#9fb0c2] shrink-0 sts-wide")


def summary(rooms: list[ListedRoom]) -> list[tuple[str, str, str, str]]:
    """(icon, label, value, detail) tiles over all the user's rooms: what needs attention first.

    >>> rooms = [{"title": "A", "sts_eta": "2199-01-01T06:00", "readiness": {"ready": False, "missing": 2,
    ...           "rejected": 1, "expired": 0, "expiring_soon": 1}}]
    >>> [t[2] for t in summary(rooms)]
    ['1', '0 of 1', '3', '1']
    """
    upcoming = sorted((r for r in rooms if r.get("sts_eta") and formatting.relative(r["sts_eta"]).startswith("in")),
                      key=lambda r: str(r["sts_eta"]))
    action = sum(r["readiness"]["missing"] + r["readiness"]["rejected"] + r["readiness"]["expired"] for r in rooms)
    ready = sum(1 for r in rooms if r["readiness"]["ready"])
    soon = sum(r["readiness"]["expiring_soon"] for r in rooms)
    next_eta = (f"next {formatting.relative(upcoming[0]['sts_eta'])}: {upcoming[0]['title']}" if upcoming
                else "No transfer scheduled")
    return [("sailing", "Upcoming transfers", str(len(upcoming)), next_eta),
            ("verified", "Cleared for transfer", f"{ready} of {len(rooms)}", "all required documents approved"),
            ("report", "Documents needing action", str(action), "missing, rejected or expired"),
            ("schedule", "Expiring soon", str(soon), "certificates within their warning period")]


def summary_tiles(rooms: list[ListedRoom]) -> None:
    with ui.element("div").classes("grid grid-cols-2 xl:grid-cols-4 gap-4 w-full"):
        for icon, label, value, detail in summary(rooms):
            with ui.column().classes("sts-card sts-kpi gap-1 px-5 py-4 min-w-0").mark(f"summary-{icon}"):
                with ui.row().classes("items-center gap-2 no-wrap"):
                    ui.icon(icon, size="18px").classes("text-[#1d5c96]")
                    ui.label(label).classes("sts-label")
                ui.label(value).classes("sts-kpi-value")
                ui.label(detail).classes("sts-muted text-[13px] truncate w-full")


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
                with ui.column().classes("w-full gap-4"):
                    for room in shown:
                        room_card(room)

        with theme.frame(user, active="rooms", title="Rooms"):
            with ui.row().classes("w-full items-end gap-4 sts-page-head"):
                with ui.column().classes("gap-1"):
                    widgets.heading("Rooms")
                    count = f"{len(rooms)} operation{'s' if len(rooms) != 1 else ''}"
                    scope = "all STS operations" if user.is_admin else "operations you take part in"
                    ui.label(f"{count} · {scope}").classes("sts-muted")
                ui.space()
                search = ui.input(placeholder="Search title, location or vessel", on_change=room_grid.refresh) \
                    .props('outlined dense clearable debounce=200 aria-label="Search rooms"') \
                    .classes("w-80 sts-search").mark("search")
                with search.add_slot("prepend"):
                    ui.icon("search")
                if user.is_admin:
                    ui.button("Import room pack", icon="move_to_inbox",
                              on_click=lambda: open_import_dialog(sts, user)) \
                        .props("outline color=primary").classes("h-10").mark("import-room")
                ui.button("New room", icon="add", on_click=lambda: open_new_room_dialog(sts, user)) \
                    .props("unelevated color=primary").classes("h-10").mark("new-room")
            if rooms:
                summary_tiles(rooms)
            room_grid()
        return None
