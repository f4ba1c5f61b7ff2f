"""What every section of a room page shares: who is looking, what they may do, and a way to say "changed"."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from nicegui import ui

from ...context import StsApp
from ...domain.models import UPLOADER_ROLES
from ...domain.records import PartyRecord
from ...services.errors import Forbidden
from ...services.users import User
from ..shell import threads, widgets

R = TypeVar("R")


@dataclass
class RoomContext:
    sts: StsApp
    user: User
    room_id: str
    can_review: bool = False
    can_manage: bool = False
    can_upload: bool = False
    party: PartyRecord | None = None
    listeners: list[tuple[str, Callable[[], Awaitable[None]]]] = field(default_factory=list)

    @classmethod
    def load(cls, sts: StsApp, user: User, room_id: str) -> RoomContext:
        """Raises NotFound when the room does not exist or the user is not a member (blocking: run in a thread)."""
        sts.rooms.room(user, room_id)
        party = sts.rooms.member_party(user, room_id)
        return cls(sts=sts, user=user, room_id=room_id, party=party,
                   can_review=sts.rooms.can_review(user, room_id), can_manage=sts.rooms.can_manage(user, room_id),
                   can_upload=user.is_admin or (party is not None and party["role"] in UPLOADER_ROLES))

    def on_change(self, listener: Callable[[], Awaitable[None]], section: str = "") -> None:
        """``listener`` reloads ``section`` (header, documents, snapshots, parties, activity) when it changed."""
        self.listeners.append((section, listener))

    async def changed(self, *sections: str) -> None:
        """Something in the room changed: the named sections reload what they show (all of them if none is
        named), at once, so an edit costs the slowest section's reload rather than the sum of all."""
        chosen = [listener for name, listener in self.listeners if not sections or name in sections]
        await asyncio.gather(*(listener() for listener in chosen))

    async def signed_in(self) -> User | None:
        """Who is using the page *now*: looked up again at every action, so a page opened before its user was
        demoted, removed or signed out acts with the rights they have today, or not at all."""
        # the credential the page was opened with: a new password, a new role or a removal since ends it
        user = await threads.io(self.sts.users.current, self.user.email, self.user.credential)
        if user is None:
            widgets.notify_error(Forbidden("you are signed out: sign in again to go on"))
            ui.navigate.to(f"/login?next=/rooms/{self.room_id}")
            return None
        self.user = user
        return user

    async def act(self, fn: Callable[..., R], *args: Any) -> tuple[bool, R | None]:
        """``fn(user, room_id, *args)`` in a thread, as the page's user of now; a refusal becomes a red notice and
        ``(False, None)``."""
        user = await self.signed_in()
        if user is None:
            return False, None
        try:
            return True, await threads.io(fn, user, self.room_id, *args)
        except widgets.USER_ERRORS as exc:
            widgets.notify_error(exc)
            return False, None
