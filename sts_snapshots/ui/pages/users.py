"""``/users`` (admins): the accounts, adding one, changing a role, resetting a password, removing one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ...context import StsApp
from ...services.auth import MIN_PASSWORD_LENGTH
from ...services.errors import Forbidden
from ...services.users import User
from ..shell import session, theme, threads, widgets
from ..shell.live import LiveSection

R = TypeVar("R")

ROLES = {"user": "User", "admin": "Administrator"}


class UsersView:
    def __init__(self, sts: StsApp, me: User) -> None:
        self.sts = sts
        self.me = me
        with ui.row().classes("w-full items-end gap-4 sts-page-head"):
            with ui.column().classes("gap-1"):
                widgets.heading("Users")
                ui.label("Who can sign in. Room access comes from being a party of the room.").classes("sts-muted")
            ui.space()
            ui.button("Add user", icon="person_add", on_click=self.open_add_dialog) \
                .props("unelevated no-caps color=primary").mark("add-user")
        with widgets.card("Accounts", "group", marker="users"):
            self.live = LiveSection(sts.users.list, self.build, classes="gap-0")

    def build(self, users: list[User]) -> None:
        for user in users:
            me = user.email == self.me.email
            with ui.row().classes("w-full px-5 py-3 gap-4 items-center no-wrap border-b border-[#edf0f3]") \
                    .classes("sts-user-row").mark(f"user-{user.email}"):
                ui.label(theme.initials(user.name)).classes("sts-avatar shrink-0")
                with ui.column().classes("flex-1 min-w-0 gap-0 sts-user-who"):
                    with ui.row().classes("items-center gap-2"):
                        ui.label(user.name).classes("font-semibold text-[15px]")
                        if me:
                            ui.label("you").classes("text-[11px] font-semibold uppercase text-[#1d5c96]")
                    ui.label(user.email).classes("sts-muted text-[13px]")
                select = ui.select(ROLES, value=user.role,
                                   on_change=lambda e, u=user: self.set_role(u, e.value, e.sender)) \
                    .props("outlined dense options-dense").classes("w-48 sts-user-role").mark(f"role-{user.email}")
                if me:
                    select.disable()
                    select.tooltip("You cannot change your own role")
                ui.button("Reset password", icon="key", on_click=lambda u=user: self.open_password_dialog(u)) \
                    .props("flat no-caps color=secondary").mark(f"password-{user.email}")
                remove = ui.button(icon="person_remove", on_click=lambda u=user: self.remove(u)) \
                    .props("flat round color=negative").mark(f"remove-{user.email}")
                remove.props["aria-label"] = f"Remove {user.email}"
                if me:
                    remove.disable()
                    remove.tooltip("You cannot remove your own account")
                else:
                    remove.tooltip(f"Remove {user.email}")

    async def still_admin(self) -> bool:
        """Whether the one using this page may still manage users (asked before a question whose answer the
        service would refuse; every change is checked again by the service itself)."""
        try:
            await threads.io(self.sts.users.require_admin, self.me)
        except Forbidden as exc:
            self.refused(exc)
            return False
        return True

    def refused(self, exc: Exception) -> None:
        widgets.notify_error(exc)
        if isinstance(exc, Forbidden):  # no longer an admin: nothing on this page is theirs to do
            ui.navigate.to("/")

    async def change(self, fn: Callable[..., R], *args: Any) -> R | None:
        """A change of users made as this page's user; a refusal is shown (and a lost right leaves the page)."""
        try:
            return await threads.io(fn, self.me, *args)
        except widgets.USER_ERRORS as exc:
            self.refused(exc)
            return None

    async def remove(self, user: User) -> None:
        if not await self.still_admin():
            return
        if not await widgets.confirm(f"Remove {user.name}?",
                                     f"{user.email} will no longer be able to sign in, and their API tokens stop "
                                     "working. The rooms keep them as a party, and their history stays.",
                                     ok="Remove"):
            return
        if await self.change(self.sts.users.remove, user.email) is not None:
            widgets.notify_ok(f"{user.email} removed")
        await self.live.reload()

    async def set_role(self, user: User, role: str, sender: object) -> None:
        if role == user.role:
            return
        if await self.change(self.sts.users.set_role, user.email, role) is not None:
            widgets.notify_ok(f"{user.name} is now {ROLES[role].lower()}")
        await self.live.reload()

    def open_password_dialog(self, user: User) -> None:
        with widgets.dialog_box(f"Reset password of {user.name}", user.email) as dialog:
            with widgets.dialog_body():
                password = ui.input("New password", password=True, password_toggle_button=True) \
                    .props(f"outlined autocomplete=new-password hint='At least {MIN_PASSWORD_LENGTH} characters'") \
                    .classes("w-full").mark("new-password")

            async def save() -> None:
                if await self.change(self.sts.users.set_password, user.email, password.value or "") is None:
                    return
                dialog.close()
                widgets.notify_ok(f"Password of {user.name} changed. Tell them the new one in person.")

            widgets.actions(dialog, "Set password", save, icon="key", marker="password-save")
        dialog.open()

    def open_add_dialog(self) -> None:
        with widgets.dialog_box("Add user", "Then add them as a party to the rooms they work on.") as dialog:
            with widgets.dialog_body():
                email = ui.input("Email *").props("outlined type=email").classes("w-full").mark("user-email")
                name = ui.input("Full name").props("outlined").classes("w-full").mark("user-name")
                role = ui.select(ROLES, value="user", label="Role").props("outlined").classes("w-full") \
                    .mark("user-role")
                password = ui.input("Password *", password=True, password_toggle_button=True) \
                    .props(f"outlined autocomplete=new-password hint='At least {MIN_PASSWORD_LENGTH} characters'") \
                    .classes("w-full").mark("user-password")

            async def add() -> None:
                created = await self.change(self.sts.users.add, email.value or "", password.value or "",
                                            role.value, name.value or "")
                if created is None:
                    return
                dialog.close()
                widgets.notify_ok(f"{created.email} added")
                await self.live.reload()

            widgets.actions(dialog, "Add user", add, icon="person_add", marker="add-user-ok")
        dialog.open()


def register(sts: StsApp) -> None:
    @ui.page("/users")
    async def users_page(request: Request) -> RedirectResponse | None:
        me = await session.current_user(sts)
        if me is None:
            return session.to_login(request)
        with theme.frame(me, active="users", title="Users"):
            if not widgets.admins_only(me, "Only administrators manage user accounts."):
                return None
            view = UsersView(sts, me)
            await view.live.reload()
        return None
