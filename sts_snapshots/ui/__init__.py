"""The NiceGUI pages, all registered by :func:`register_pages` (never at import time).

``shell/`` is what every page shares (frame, sign-in, widgets, text helpers), ``pages/`` holds one module per
page, and ``room/`` the parts of the room page, the one page too large for a single module.
"""

from __future__ import annotations

from ..context import StsApp


def register_pages(sts: StsApp) -> None:
    from nicegui import app

    from .pages import checklist_sets, files, login, metrics, not_found, packs, peers, rooms, task, users, verify
    from .room import page as room

    for page in (login, rooms, room, task, metrics, users, verify, checklist_sets, peers):
        page.register(sts)
    files.register_files(app, sts)
    packs.register_pack_files(app, sts)
    not_found.register_not_found(app, sts)
