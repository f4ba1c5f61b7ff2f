"""``/login`` and ``/logout``: the cookie session the pages share."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ...context import StsApp
from ...services.users import LockedOut
from ..shell import session, theme, threads

WRONG = "Wrong email or password."


def register(sts: StsApp) -> None:
    @ui.page("/login", title="Sign in · STS Snapshots")
    async def login_page(request: Request, next: str = "/") -> RedirectResponse | None:
        target = session.safe_next(next)
        if await session.current_user(sts):
            return RedirectResponse(target, status_code=303)
        ui.colors(**theme.COLORS)
        ui.add_css(theme.stylesheet())
        ui.query("body").style("background: linear-gradient(160deg, #0b2545 0%, #13315c 55%, #1d5c96 100%)")

        async def submit() -> None:
            email, password = (email_input.value or "").strip(), password_input.value or ""
            if not email or not password:
                error.set_text("Enter your email and password.")
                return
            error.set_text("")
            button.props("loading")
            button.disable()  # one attempt at a time: a double click must not count as two failures
            try:
                user = await threads.io(sts.users.authenticate, email, password)
            except LockedOut as exc:
                error.set_text(f"Too many failed attempts. Try again in {int(exc.seconds) + 1} seconds.")
                password_input.set_value("")
                return
            finally:
                button.props(remove="loading")
                button.enable()
            if user is None:
                error.set_text(WRONG)
                password_input.set_value("")
                return
            session.sign_in(user)
            ui.navigate.to(target)

        with ui.column().classes("w-full min-h-screen items-center justify-center p-6"):
            with ui.card().classes("w-[420px] max-w-full p-0 rounded-2xl shadow-2xl").mark("login-card"):
                with ui.column().classes("w-full p-8 gap-5"):
                    with ui.row().classes("items-center gap-3 no-wrap"):
                        with ui.element("div").classes("sts-brand-mark"):
                            ui.icon("anchor", size="22px", color="white")
                        with ui.column().classes("gap-0"):
                            ui.label("STS Snapshots").classes("text-[18px] font-bold text-[#0b2545] leading-tight")
                            ui.label("Ship-to-ship transfer clearance").classes("sts-muted text-[13px]")
                    ui.label("Sign in").classes("sts-h1 mt-2")
                    email_input = ui.input("Email").props(
                        'outlined autofocus type=email autocomplete=username').classes("w-full").mark("email")
                    password_input = ui.input("Password", password=True, password_toggle_button=True).props(
                        "outlined autocomplete=current-password").classes("w-full").mark("password")
                    password_input.on("keydown.enter", submit)
                    email_input.on("keydown.enter", lambda: password_input.run_method("focus"))
                    error = ui.label("").classes("text-negative text-[14px] font-medium min-h-[20px] -my-2") \
                        .mark("login-error")
                    button = ui.button("Sign in", on_click=submit).props("unelevated color=primary size=lg") \
                        .classes("w-full").mark("sign-in")
            ui.label("Works offline on this computer or your ship's network.").classes(
                "text-blue-100 opacity-70 text-[13px] mt-4")
        return None

    @ui.page("/logout")
    def logout_page() -> RedirectResponse:
        session.sign_out()
        return RedirectResponse("/login", status_code=303)
