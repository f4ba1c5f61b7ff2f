"""The page chrome every page shares: colours, header with navigation and the signed-in user."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from nicegui import ui

from ...resources import static_dir
from ...services.users import User
from . import session

PRIMARY = "#13315c"
COLORS = {"primary": PRIMARY, "secondary": "#1d5c96", "accent": "#0e7490", "positive": "#2e7d32",
          "negative": "#c62828", "warning": "#b7791f", "info": "#1d5c96"}


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The theme's CSS, read once per process (it ships with the app and never changes while running)."""
    path = static_dir() / "ui" / "theme.css"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def initials(name: str) -> str:
    """Up to two initials for the avatar.

    >>> initials("Søren Madsen"), initials("admin@sts-demo.example")
    ('SM', 'A')
    """
    words = [w for w in name.replace("@", " ").split() if w[:1].isalpha()]
    if "@" in name:
        words = words[:1]
    return "".join(w[0].upper() for w in words[:2]) or "?"


def _nav(user: User | None, active: str) -> None:
    if user is None:
        return
    links = [("Rooms", "/", "sailing", "rooms")]
    if user.is_admin:
        links += [("Metrics", "/metrics", "insights", "metrics"), ("Users", "/users", "group", "users")]
    with ui.row().classes("sts-nav gap-1 ml-8 items-center no-wrap"):
        for label, href, icon, key in links:
            with ui.link(target=href).classes("active" if key == active else "").mark(f"nav-{key}"):
                ui.icon(icon, size="20px")
                ui.label(label)


def _log_out() -> None:
    """Sign out over the page's own connection (no link can do this), then show the signed-out page."""
    session.sign_out()
    ui.navigate.to("/logout")


@contextmanager
def frame(user: User | None, active: str = "", title: str = "") -> Iterator[ui.column]:
    """Header and a centred content column; the page's content goes inside the ``with`` block."""
    ui.colors(**COLORS)
    ui.add_css(stylesheet())
    if title:
        ui.page_title(f"{title} · STS Snapshots")
    with ui.header().classes("sts-header items-center px-6 py-2 no-wrap"):
        with ui.link(target="/").classes("flex items-center gap-3 no-underline text-white"):
            with ui.element("div").classes("sts-brand-mark"):
                ui.icon("anchor", size="22px", color="white")
            with ui.column().classes("gap-0"):
                ui.label("STS Snapshots").classes("text-[17px] font-bold leading-tight")
                ui.label("Transfer clearance").classes("text-[12px] text-blue-100 opacity-80 leading-tight")
        _nav(user, active)
        ui.space()
        if user is not None:
            with ui.row().classes("items-center gap-3 no-wrap").mark("signed-in"):
                ui.label(initials(user.name)).classes("sts-avatar")
                with ui.column().classes("gap-0"):
                    ui.label(user.name).classes("text-white text-[14px] font-medium leading-tight")
                    ui.label("Administrator" if user.is_admin else user.email).classes(
                        "text-blue-100 text-[12px] opacity-80 leading-tight")
                ui.button("Log out", icon="logout", on_click=_log_out) \
                    .props("flat no-caps color=white").classes("ml-2").mark("logout")
    with ui.column().classes("sts-page") as content:
        yield content
