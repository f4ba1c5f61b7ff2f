"""Small building blocks the pages share: status chips, cards, readiness bars, notices and dialogs."""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Literal

from nicegui import app, events, ui

from ...domain.labels import status_label
from ...domain.models import PARTY_ROLES
from ...domain.records import ReadinessView
from ...services.errors import Conflict, Forbidden, Invalid, NotFound, StorageFailed
from ...services.users import LockedOut, User
from ...store import StoreUnavailable
from .island import Island

# The icon per status (the colour comes from the stylesheet class ``sts-chip-<status>``); the label comes from
# the domain's one table, so a chip reads like the filters and the PDF.
STATUS_ICONS = {
    "approved": "check_circle", "under_review": "hourglass_top", "missing": "radio_button_unchecked",
    "rejected": "cancel", "expired": "event_busy", "soon": "schedule", "pending": "hourglass_empty",
    "running": "autorenew", "generating": "autorenew", "completed": "check_circle", "failed": "error",
    "cancelled": "block", "draft": "edit_note", "docs_pending": "pending_actions", "ready": "verified",
    "active": "directions_boat", "admin": "shield",
}
# The chip "soon" (its marker and stylesheet class) is the domain's "expiring_soon".
LABEL_CODES = {"soon": "expiring_soon"}

USER_ERRORS = (NotFound, Forbidden, Conflict, Invalid, LockedOut, StorageFailed, StoreUnavailable)


def esc(value: object) -> str:
    """Text for ``ui.html``: data never becomes markup.

    >>> esc("<b>Tom & Jerry's</b>")
    "&lt;b&gt;Tom &amp; Jerry's&lt;/b&gt;"
    """
    return html.escape(str(value), quote=False)


def chip_inner(status: str, label: str | None = None) -> str:
    """A status chip's icon and text as HTML (the text escaped)."""
    icon = STATUS_ICONS.get(status, "info")
    text = label or status_label(LABEL_CODES.get(status, status))
    return f'<i class="q-icon notranslate material-icons" aria-hidden="true">{icon}</i>{esc(text)}'


def chip_html(status: str, label: str | None = None) -> str:
    """A status chip as HTML, for a block that shows it among other things (one element instead of several).

    >>> chip_html("approved")[:40]
    '<span class="sts-chip sts-chip-approved"'
    """
    return f'<span class="sts-chip sts-chip-{status}">{chip_inner(status, label)}</span>'


def status_chip(status: str, label: str | None = None) -> ui.html:
    """A coloured status with an icon, so it reads without colour too; one element, as pages show hundreds."""
    return ui.html(chip_inner(status, label), tag="span", sanitize=False) \
        .classes(f"sts-chip sts-chip-{status}").mark(f"status-{status}")


def heading(text: str, level: int = 1) -> ui.label:
    """A heading element (``h1``…``h3``) styled as the app's headings; one ``h1`` per page, ``h2`` per section."""
    label = ui.label(text)
    label.tag = f"h{level}"
    return label.classes({1: "sts-h1", 2: "sts-h2", 3: "sts-h3"}.get(level, "sts-h3"))


def role_label(role: str) -> str:
    return PARTY_ROLES.get(role, role)


# The services name fields as the API does; the pages say them as their labels read.
FIELD_LABELS = {"imo": "IMO number", "expires_on": "Valid until", "sts_eta": "STS ETA", "dwt": "DWT",
                "length_m": "LOA (m)", "vessel_type": "Type", "cargo_type": "Cargo type",
                "cargo_quantity": "Quantity", "title": "Title", "name": "Name", "location": "Location",
                "notes": "Note", "flag": "Flag", "description": "Description", "email": "Email", "role": "Role",
                "company": "Company", "status": "Status", "comment": "Comment"}
_FIELD = re.compile(r"\b(" + "|".join(FIELD_LABELS) + r")\b(?=:| is | must | contains )")


def user_message(exc: BaseException) -> str:
    """A refusal in the words of the form: field names as their labels, a capital first letter.

    >>> user_message(ValueError("imo: vessel 9074729 is already in this room"))
    'IMO number: vessel 9074729 is already in this room'
    >>> user_message(ValueError("sts_eta must be an ISO 8601 date-time")), user_message(ValueError("length_m must be"))
    ('STS ETA must be an ISO 8601 date-time', 'LOA (m) must be')
    """
    text = _FIELD.sub(lambda m: FIELD_LABELS[m.group(1)], str(exc) or exc.__class__.__name__)
    return text[:1].upper() + text[1:]


def _notify(text: str, kind: Literal["positive", "negative"], *, timeout: float, error: bool = False) -> None:
    """One notice at a time: Quasar shows a new notice of the same group in the place of the last one, so an old
    error never sits beside a later success (its repeat counter is hidden: it would count different messages)."""
    ui.notify(text, type=kind, position="bottom-right", timeout=timeout * 1000, multi_line=error,
              close_button=error, group="sts-notice", badgeStyle="display: none")


def notify_error(exc: BaseException) -> None:
    """A service's refusal as a red notice: the message says what to fix; never a traceback."""
    _notify(user_message(exc), "negative", timeout=8, error=True)


def notify_ok(text: str) -> None:
    _notify(text, "positive", timeout=4)


def submit_on_enter(dialog: ui.dialog, submit: Callable[[], Awaitable[None] | None]) -> None:
    """Enter in a one-line field of the dialog submits it (a textarea keeps Enter for new lines)."""
    async def on_key(event: events.GenericEventArguments) -> None:
        if event.args.get("tag") == "INPUT":
            result = submit()
            if result is not None:
                await result

    dialog.on("keydown.enter", on_key, js_handler="(e) => emit({tag: e.target.tagName})")


@contextmanager
def card(title: str, icon: str = "", marker: str = "") -> Iterator[ui.row]:
    """A white card with a title bar; the block's content goes below the bar, ``with head:`` adds buttons to it."""
    with ui.column().classes("sts-card w-full gap-0") as box:
        if marker:
            box.mark(marker)
        with ui.row().classes("sts-card-head no-wrap") as head:
            if icon:
                ui.icon(icon, size="22px").classes("text-[#1d5c96]")
            heading(title, 2).classes("sts-card-title")
            ui.space()
        yield head


def readiness_bar(ready: ReadinessView, compact: bool = False) -> None:
    """Approved of required as a bar, with the counts that block the operation in red."""
    percent = ready.get("percent", 0)
    color = "positive" if ready.get("ready") else ("warning" if percent >= 50 else "negative")
    with ui.column().classes("w-full gap-1"):
        with ui.row().classes("w-full items-baseline no-wrap gap-2"):
            ui.label(f"{ready['approved']} of {ready['required']} approved").classes("font-semibold text-[14px]")
            ui.space()
            ui.label(f"{percent}%").classes("text-[14px] sts-muted font-semibold")
        ui.linear_progress(percent / 100, show_value=False, color=color).classes("sts-bar").props(
            f'track-color="grey-3" rounded aria-label="{percent}% of the required documents approved"')
        with ui.row().classes("gap-x-3 gap-y-1 text-[13px]").mark("readiness-counts"):
            for count, label, css in ((ready.get("expired"), "expired", "sts-count-bad"),
                                      (ready.get("missing"), "missing", "sts-count-bad"),
                                      (ready.get("rejected"), "rejected", "sts-count-bad"),
                                      (ready.get("under_review"), "under review", "sts-count-warn"),
                                      (ready.get("expires_before_end"), "lapsing before the end of the operation",
                                       "sts-count-bad"),
                                      (ready.get("expiring_soon"), "expiring soon", "sts-count-warn")):
                if count:
                    ui.label(f"{count} {label}").classes(css)
            if ready.get("checklists_required"):
                signed, required = ready.get("checklists_signed", 0), ready["checklists_required"]
                ui.label(f"{signed} of {required} pre-transfer checklists signed off") \
                    .classes("sts-count-warn" if signed < required else "text-positive")
            if not compact and ready.get("ready"):
                ui.label("All required documents approved").classes("text-positive font-semibold")


def empty_state(icon: str, title: str, text: str = "") -> None:
    with ui.column().classes("w-full items-center text-center py-10 gap-2"):
        ui.icon(icon, size="44px").classes("text-[#9fb0c2]")
        ui.label(title).classes("text-[16px] font-semibold text-[#34475b]")
        if text:
            ui.label(text).classes("sts-muted text-[14px] max-w-md")


def message_panel(icon: str, title: str, text: str, marker: str) -> None:
    """A full-width notice for pages the user cannot see (not found, admins only)."""
    with ui.column().classes("sts-card w-full items-center text-center py-16 px-6 gap-3").mark(marker):
        ui.icon(icon, size="56px").classes("text-[#1d5c96]")
        heading(title)
        ui.label(text).classes("sts-muted text-[15px] max-w-lg")
        ui.button("Back to rooms", icon="arrow_back").props('unelevated color=primary href="/"').classes("mt-3") \
            .mark("back-home")


def admins_only(user: User, why: str) -> bool:
    """Whether ``user`` may see an administrators' page; if not, the page says so (with ``why``) instead."""
    if user.is_admin:
        return True
    message_panel("admin_panel_settings", "Admins only", why, "admins-only")
    return False


DIALOG_HOST = "sts_dialog_host"


def dialog_host() -> None:
    """The element the page's dialogs go into (called once by the page frame)."""
    # an island: opening or closing a dialog re-renders the host in the browser, not the page it sits in
    app.storage.client[DIALOG_HOST] = Island(contents=False).classes("sts-dialog-host")


def dialog_parent() -> ui.element:
    host = app.storage.client.get(DIALOG_HOST)
    return host if isinstance(host, ui.element) and not host.is_deleted else ui.context.client.layout


@contextmanager
def dialog_box(title: str, subtitle: str = "") -> Iterator[ui.dialog]:
    """A titled dialog; inside the block add ``dialog_body()`` content and then ``actions(...)``."""
    # Dialogs are built per use; closed ones are removed when the next one opens (not while their own
    # handlers may still be running), so they do not pile up in a long-lived page.
    opened: list[ui.dialog] = app.storage.client.setdefault("sts_dialogs", [])
    for old in [d for d in opened if not d.value]:
        opened.remove(old)
        if not old.is_deleted:
            old.delete()
    # in the page's dialog host, not in the section that opened it: a section rebuilt meanwhile must not take it
    # along (and the host is small: adding a dialog re-renders it, not the whole page)
    with dialog_parent(), ui.dialog() as dialog, ui.card().classes("sts-dialog"):
        opened.append(dialog)
        with ui.column().classes("w-full gap-0 px-6 pt-5 pb-1"):
            heading(title, 2).classes("sts-dialog-title")
            if subtitle:
                ui.label(subtitle).classes("sts-muted text-[14px]")
        yield dialog


def dialog_body() -> ui.column:
    return ui.column().classes("sts-dialog-body")


def actions(dialog: ui.dialog, confirm: str, on_confirm: Callable[[], Awaitable[None] | None], *,
            color: str = "primary", icon: str = "", marker: str = "") -> ui.button:
    """Cancel + confirm buttons at the bottom of a dialog; the confirm button runs one submission at a time."""
    busy = False

    async def submit() -> None:
        nonlocal busy
        if busy:  # a double click on a slow line must not create the room (or user, or vessel) twice
            return
        busy = True
        button.props("loading")
        try:
            result = on_confirm()
            if result is not None:
                await result
        finally:
            busy = False
            if not button.is_deleted:
                button.props(remove="loading")

    with ui.row().classes("sts-dialog-actions"):
        ui.button("Cancel", on_click=dialog.close).props("flat color=grey-8")
        button = ui.button(confirm, icon=icon or None, on_click=submit).props(f"unelevated color={color}")
        if marker:
            button.mark(marker)
    submit_on_enter(dialog, submit)
    return button


async def confirm(title: str, text: str, ok: str = "Delete", color: str = "negative", cancel: bool = True) -> bool:
    """Ask before something irreversible; True if confirmed (``cancel=False``: only tell, with one button)."""
    with dialog_box(title) as dialog:
        with dialog_body():
            ui.label(text).classes("text-[15px]").mark("confirm-text")
        with ui.row().classes("sts-dialog-actions"):
            if cancel:
                ui.button("Cancel", on_click=lambda: dialog.submit(False)).props("flat color=grey-8")
            ui.button(ok, on_click=lambda: dialog.submit(True)).props(f"unelevated color={color}").mark("confirm-ok")
    return bool(await dialog)
