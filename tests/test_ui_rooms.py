"""The rooms list: who sees which rooms, search, and the "New room" dialog."""

from __future__ import annotations

from sts_snapshots.demo import ADMIN_EMAIL, MEMBER_EMAIL
from tests.harness import Harness
from tests.test_ui_support import OUTSIDER_EMAIL, add_people, elements, sign_in, sign_out, wait_for

DEMO_TITLE = "Skaw STS — MT Nordic Ørsted / MT São Paulo Star"


async def test_rooms_list_shows_member_rooms_with_readiness_and_search_outsider_none(harness: Harness) -> None:
    user = harness.user
    await sign_in(user, MEMBER_EMAIL)
    await user.should_see(DEMO_TITLE)
    await user.should_see("Skagen anchorage, Area 2, Denmark")
    await user.should_see("22 of 34 approved")
    await user.should_see("1 expired")
    await user.should_see("5 missing")
    await user.should_not_see(marker="nav-metrics")  # members have no admin links
    await user.should_not_see(marker="nav-users")

    search = user.find(marker="search")
    search.type("são paulo star")  # a vessel name
    await user.should_see(marker="room-card")
    search.clear().type("no such vessel")
    await user.should_see("No rooms match your search")
    await user.should_not_see(marker="room-card")

    add_people(harness)
    await sign_out(user)
    await sign_in(user, OUTSIDER_EMAIL)
    await user.should_see("No rooms yet")
    await user.should_not_see(DEMO_TITLE)


async def test_new_room_dialog_creates_the_room_and_opens_it(harness: Harness) -> None:
    user = harness.user
    await sign_in(user, ADMIN_EMAIL)
    await user.should_see(marker="nav-metrics")
    user.find(marker="new-room").click()
    user.find(marker="create-room").click()  # no title yet: refused in the dialog
    await wait_for(lambda: "error" in elements(user, "room-title")[0].props, what="the missing title")
    assert len(harness.sts.rooms.room_ids()) == 1

    user.find(marker="room-title").type("Malta STS — MT Alpha / MT Beta")
    user.find(marker="room-location").type("Hurd's Bank, Malta")
    user.find(marker="room-eta").type("2026-12-20T08:30")
    user.find(marker="room-cargo").type("Gasoil")
    user.find(marker="room-quantity").type("30 000 t")
    user.find(marker="create-room").click()
    user.find(marker="create-room").click()  # a double click creates one room
    await wait_for(lambda: user.back_history[-1].startswith("/rooms/"), what="the new room to open")
    assert len(harness.sts.rooms.room_ids()) == 2
    rooms = [harness.sts.rooms.get(room_id) for room_id in harness.sts.rooms.room_ids()]
    room = next(r for r in rooms if r and r["title"].startswith("Malta"))
    assert user.back_history[-1] == f"/rooms/{room['id']}"
    assert room["sts_eta"].startswith("2026-12-20T08:30") and room["cargo_quantity"] == "30 000 t"
    await user.should_see("Hurd's Bank, Malta")
    await user.should_see("20 Dec 2026 08:30 UTC")
    await user.should_see("No vessels yet. Add the mother and daughter vessels to list their documents.")
