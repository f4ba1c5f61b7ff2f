"""``/login``, ``/login/complete`` and ``/logout``: the cookie session the pages share."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, ui

from ...context import StsApp
from ...services.users import LockedOut
from ..shell import session, theme, threads, widgets

WRONG = "Wrong email or password."


def register(sts: StsApp) -> None:
    tickets = session.LoginTickets()

    @ui.page("/login", title="Sign in · STS Snapshots")
    async def login_page(request: Request, next: str = "/") -> RedirectResponse | None:
        target = session.safe_next(next)
        if await session.current_user(sts):
            return RedirectResponse(target, status_code=303)
        address = session.request_address(sts, request)
        theme.page_assets()
        ui.dark_mode(None)  # the login page follows the system's choice
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
                user = await threads.io(sts.users.authenticate, email, password, address)
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
            ui.navigate.to(f"/login/complete?ticket={quote(tickets.issue(user, target))}")

        with ui.element("main").classes("w-full min-h-screen flex flex-col items-center justify-center p-6 sts-login"):
            with ui.card().classes("w-[420px] max-w-full p-0 rounded-2xl shadow-2xl").mark("login-card"):
                with ui.column().classes("w-full p-8 gap-5"):
                    with ui.row().classes("items-center gap-3 no-wrap"):
                        with ui.element("div").classes("sts-brand-mark"):
                            ui.icon("anchor", size="22px", color="white")
                        with ui.column().classes("gap-0"):
                            ui.label("STS Snapshots").classes("text-[18px] font-bold text-[#0b2545] leading-tight")
                            ui.label("Ship-to-ship transfer clearance").classes("sts-muted text-[13px]")
                    widgets.heading("Sign in").classes("mt-2")
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

    @app.get("/login/complete", include_in_schema=False)
    async def complete_login(request: Request, ticket: str = "") -> RedirectResponse:
        """Two steps: a new session id for the browser, then, on the request that brings it, the sign-in."""
        if tickets.pending(ticket):
            session.sign_out()  # the id the browser came with (perhaps planted) keeps nothing
            tickets.bind(ticket, session.renew_session_id(request))
            return RedirectResponse(f"/login/complete?ticket={quote(ticket)}", status_code=303)
        taken = tickets.take(ticket, str(request.session.get("id", "")))
        user = await threads.io(sts.users.current, taken[0], taken[1]) if taken else None
        if taken is None or user is None:
            return RedirectResponse("/login", status_code=303)
        session.sign_in(user)
        return RedirectResponse(taken[2], status_code=303)

    @ui.page("/logout", title="Sign out · STS Snapshots")
    async def logout_page() -> RedirectResponse | None:
        """Signing out takes a POST (a link or an image on another site must not sign anyone out); this page
        offers the form, or sends a signed-out browser on to the login page."""
        user = await session.current_user(sts)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        with theme.frame(user, title="Sign out"):
            widgets.heading("Sign out of STS Snapshots?")
            with ui.element("form").props('method=post action=/logout'):
                ui.button("Log out", icon="logout").props("type=submit unelevated color=primary no-caps") \
                    .mark("logout-confirm")
        return None

    # after the page: ui.page replaces every route of its path, whatever the method
    @app.post("/logout", include_in_schema=False)
    def logout(request: Request) -> RedirectResponse:
        session.sign_out()
        session.renew_session_id(request)
        return RedirectResponse("/login", status_code=303)
