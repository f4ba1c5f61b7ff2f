"""The page chrome every page shares: colours, header with navigation and the signed-in user.

On phones and tablets the navigation and the user's name fold into a menu button; the stylesheet decides
which of the two a width shows, so the page never needs to know the screen's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from nicegui import app, ui

from ...resources import static_dir
from ...services.users import User
from . import session, widgets

PRIMARY = "#13315c"
COLORS = {"primary": PRIMARY, "secondary": "#1d5c96", "accent": "#0e7490", "positive": "#2e7d32",
          "negative": "#c62828", "warning": "#b7791f", "info": "#1d5c96"}
DARK_KEY = "dark_mode"  # in the browser's storage: None follows the system, True/False the user's choice


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


def nav_links(user: User | None) -> list[tuple[str, str, str, str]]:
    """(label, href, icon, key) of the pages ``user`` may open from the header."""
    if user is None:
        return []
    links = [("Rooms", "/", "sailing", "rooms")]
    if user.is_admin:
        links += [("Metrics", "/metrics", "insights", "metrics"), ("Users", "/users", "group", "users"),
                  ("Installations", "/peers", "devices", "peers")]
    return links


def _nav(user: User | None, active: str) -> None:
    links = nav_links(user)
    if not links:
        return
    with ui.element("nav").props('aria-label="Main"').classes("sts-nav sts-wide gap-1 ml-8 items-center"):
        for label, href, icon, key in links:
            link = ui.link(target=href).classes("active" if key == active else "").mark(f"nav-{key}")
            if key == active:
                link.props('aria-current="page"')
            with link:
                ui.icon(icon, size="20px").props('aria-hidden="true"')
                ui.label(label)


def _menu(user: User, active: str) -> None:
    """The header folded into one button: navigation, who is signed in, Log out (phones and tablets)."""
    with ui.button(icon="menu").props('flat round color=white aria-label="Menu"').classes("sts-narrow") \
            .mark("header-menu"):
        with ui.menu().classes("sts-menu").props('role=navigation aria-label="Main"'):
            with ui.column().classes("px-4 py-3 gap-0"):
                ui.label(user.name).classes("font-semibold")
                ui.label("Administrator" if user.is_admin else user.email).classes("sts-muted text-[13px]")
            ui.separator()
            for label, href, icon, key in nav_links(user):
                with ui.menu_item(on_click=lambda h=href: ui.navigate.to(h)).classes(
                        "sts-menu-item" + (" active" if key == active else "")).mark(f"menu-{key}"):
                    ui.icon(icon, size="20px").classes("mr-3")
                    ui.label(label)
            ui.separator()
            with ui.menu_item(on_click=_log_out).classes("sts-menu-item").mark("menu-logout"):
                ui.icon("logout", size="20px").classes("mr-3")
                ui.label("Log out")


def _log_out() -> None:
    """Sign out over the page's own connection (no link can do this), then show the signed-out page."""
    session.sign_out()
    ui.navigate.to("/logout")


def dark_toggle() -> None:
    """Dark mode follows the system until the user picks one with this button; the choice stays with the browser."""
    stored = app.storage.user.get(DARK_KEY)
    mode = ui.dark_mode(stored if isinstance(stored, bool) else None)

    async def toggle() -> None:
        current = mode.value
        if current is None:  # following the system: ask the browser which one it shows now
            current = await ui.run_javascript("document.body.classList.contains('body--dark')")
        mode.set_value(not current)
        app.storage.user[DARK_KEY] = mode.value

    # Both icons are in the button and the stylesheet shows the one for the mode the page shows (a sun in dark
    # mode, a moon in light mode): the server does not know which one the system chose while the page follows it.
    with ui.button(on_click=toggle).props('flat round color=white aria-label="Dark mode on or off"') \
            .mark("dark-toggle") as button:
        ui.icon("dark_mode").classes("sts-when-light")
        ui.icon("light_mode").classes("sts-when-dark")
    button.tooltip("Dark mode on or off")


# Quasar's uploader gives its "add" button no name: name it after the uploader's title. (Its file input, nested in
# the button, is hidden by the stylesheet: the button opens the file chooser itself, and dropping needs no input.)
LABEL_UPLOADERS = """<script>
new MutationObserver(() => document.querySelectorAll('.q-uploader').forEach(u => {
  const label = (u.querySelector('.q-uploader__title') || {}).textContent || 'Choose a file';
  u.querySelectorAll('.q-uploader__header .q-btn:not([aria-label])').forEach(b => b.setAttribute('aria-label', label));
})).observe(document.documentElement, {childList: true, subtree: true});
</script>"""


def page_assets() -> None:
    """Colours, the stylesheet and dark mode: for pages with their own chrome (login, verify) as for the frame."""
    ui.colors(**COLORS)
    ui.add_css(stylesheet())
    ui.add_body_html(LABEL_UPLOADERS)


@contextmanager
def frame(user: User | None, active: str = "", title: str = "",
          skip: tuple[str, str] | None = None) -> Iterator[ui.column]:
    """Header and a centred content column; the page's content goes inside the ``with`` block.

    ``skip`` is (label, "#id") of a second skip link, e.g. to the room's Snapshots past a long document list.
    """
    page_assets()
    if title:
        ui.page_title(f"{title} · STS Snapshots")
    with ui.header().classes("sts-header items-center px-6 py-2 no-wrap"):
        ui.link("Skip to content", "#main").classes("sts-skip").mark("skip-content")
        if skip:
            ui.link(skip[0], skip[1]).classes("sts-skip").mark("skip-extra")
        with ui.link(target="/").classes("flex items-center gap-3 no-underline text-white sts-brand"):
            with ui.element("div").classes("sts-brand-mark"):
                ui.icon("anchor", size="22px", color="white").props('aria-hidden="true"')
            with ui.column().classes("gap-0"):
                ui.label("STS Snapshots").classes("text-[17px] font-bold leading-tight")
                ui.label("Transfer clearance").classes("text-[12px] text-blue-100 opacity-80 leading-tight sts-wide")
        _nav(user, active)
        ui.space()
        dark_toggle()
        if user is not None:
            with ui.row().classes("items-center gap-3 no-wrap sts-wide").mark("signed-in"):
                ui.label(initials(user.name)).classes("sts-avatar").props('aria-hidden="true"')
                with ui.column().classes("gap-0"):
                    ui.label(user.name).classes("text-white text-[14px] font-medium leading-tight")
                    ui.label("Administrator" if user.is_admin else user.email).classes(
                        "text-blue-100 text-[12px] opacity-80 leading-tight")
                ui.button("Log out", icon="logout", on_click=_log_out) \
                    .props("flat no-caps color=white").classes("ml-2").mark("logout")
            _menu(user, active)
    with ui.column().classes("sts-page").props('id=main tabindex=-1') as content:
        content.tag = "main"
        widgets.dialog_host()
        yield content
